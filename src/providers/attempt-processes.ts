/**
 * Every program a provider starts belongs to the attempt that runs it: its process group is
 * recorded with the attempt when it starts (and forgotten when it ends), so that when the
 * process running Meridian dies, `resume` or the next server ends the group before the action
 * runs again. The attempt's recorder travels with the provider's async calls (executeJob runs
 * the provider inside `withAttemptProcesses`), so every `runProcess` call site is covered,
 * including the ones added later, without handing a recorder down each call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ProcessGroup } from '../lib/process-groups.js';

export interface AttemptProcesses {
  /** A program of the attempt started: `group` is the process group it leads. */
  started(group: ProcessGroup): Promise<void>;
  /** That program and its group ended, or what the group still runs is no longer the attempt's (a release hook's service). */
  ended(group: ProcessGroup): Promise<void>;
  /** Writes a line of Meridian's own to the attempt's log (what it ended that a program left running). */
  note?(text: string): void;
}

const current = new AsyncLocalStorage<AttemptProcesses>();

export function withAttemptProcesses<T>(processes: AttemptProcesses, run: () => Promise<T>): Promise<T> {
  return current.run(processes, run);
}

/**
 * Records `group` (led by a program just spawned); the returned function forgets it once the
 * group is gone or released, and resolves when the record is gone (so that a released group is
 * not ended by the sweep at the next start). It forgets once however often it is called.
 * Recording never fails the program: the recorder reports its own errors.
 */
export function recordGroup(group: ProcessGroup | undefined): () => Promise<void> {
  const processes = current.getStore();
  if (!processes || !group) return () => Promise.resolve();
  const recorded = processes.started(group).catch(() => undefined);
  let forgotten: Promise<void> | undefined;
  return () => (forgotten ??= recorded.then(() => processes.ended(group)).catch(() => undefined));
}

/** The attempt's log for Meridian's own lines, when a program runs for an attempt. */
export function attemptNote(): ((text: string) => void) | undefined {
  const processes = current.getStore();
  return processes?.note ? (text) => processes.note?.(text) : undefined;
}
