/**
 * Every program a provider starts belongs to the attempt that runs it: its process group is
 * recorded with the attempt when it starts (and forgotten when it ends), so that when the
 * process running Meridian dies, `resume` or the next server ends the group before the action
 * runs again. The attempt's recorder travels with the provider's async calls (executeJob runs
 * the provider inside `withAttemptProcesses`), so every `runProcess` call site is covered,
 * including the ones added later, without handing a recorder down each call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { processGroupOf, type ProcessGroup } from '../lib/process-groups.js';

export interface AttemptProcesses {
  /** A program of the attempt started: `group` is the process group it leads. */
  started(group: ProcessGroup): Promise<void>;
  /** That program and its group ended. */
  ended(group: ProcessGroup): Promise<void>;
}

const current = new AsyncLocalStorage<AttemptProcesses>();

export function withAttemptProcesses<T>(processes: AttemptProcesses, run: () => Promise<T>): Promise<T> {
  return current.run(processes, run);
}

/**
 * Records the group that `pid` (just spawned, leading its own group) leads; the returned
 * function forgets it once the group is gone. Recording never fails the program: the
 * recorder reports its own errors.
 */
export function recordGroup(pid: number | undefined): () => void {
  const processes = current.getStore();
  const group = processes && pid !== undefined ? processGroupOf(pid) : undefined;
  if (!processes || !group) return () => undefined;
  const recorded = processes.started(group).catch(() => undefined);
  return () => void recorded.then(() => processes.ended(group)).catch(() => undefined);
}
