/**
 * Follows an execution's action logs as they are written: every line so far, then new lines
 * until the execution has ended and every log is drained. Used by the server's live log
 * stream and by `meridian logs -f`.
 */
import { open } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { TERMINAL_EXECUTION, type ExecutionStatus } from '../../domain/execution.js';
import type { Database } from '../state/schema.js';
import type { StateStore } from '../state/state-store.js';
import { actionLogPath } from './action-log.js';

const POLL_MS = 200;

export interface LogLine {
  stage: string;
  action: string;
  region: string;
  attempt: number;
  line: string;
}

export interface FollowOptions {
  /** Only this action's logs. */
  action?: string;
  /** Stops following (the reader went away). */
  signal: AbortSignal;
  /** Lets a caller wake the loop early (e.g. on an engine event); returns an unsubscribe. */
  onChange?: (wake: () => void) => () => void;
}

interface Tail {
  offset: number;
  partial: string;
}

/** Resolves with the execution's final status, or undefined when the signal stopped it first. */
export async function followLogs(
  deps: { store: StateStore; db: Kysely<Database>; stateDir: string },
  executionId: string,
  onLine: (line: LogLine) => void,
  options: FollowOptions,
): Promise<ExecutionStatus | undefined> {
  const tails = new Map<string, Tail>();
  let wake: (() => void) | undefined;
  const unsubscribe = options.onChange?.(() => wake?.());
  const onAbort = (): void => wake?.();
  options.signal.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const snapshot = await deps.store.snapshot(deps.db, executionId);
      const ended = TERMINAL_EXECUTION.has(snapshot.execution.status);
      for (const action of snapshot.actions) {
        if ((options.action !== undefined && action.name !== options.action) || action.attempts === 0) continue;
        for (let attempt = 1; attempt <= action.attempts; attempt++) {
          const file = actionLogPath(deps.stateDir, executionId, action.stage, action.name, attempt);
          const tail = tails.get(file) ?? { offset: 0, partial: '' };
          tails.set(file, tail);
          for (const line of await readNewLines(file, tail, ended)) onLine({ stage: action.stage, action: action.name, region: action.region, attempt, line });
        }
      }
      if (ended) return snapshot.execution.status;
      if (options.signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    unsubscribe?.();
    options.signal.removeEventListener('abort', onAbort);
  }
}

/** The complete lines added to `file` since the last read; at the end, the last partial line too. */
async function readNewLines(file: string, tail: Tail, flush: boolean): Promise<string[]> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return [];
  try {
    const { size } = await handle.stat();
    let text = tail.partial;
    if (size > tail.offset) {
      const buffer = Buffer.alloc(size - tail.offset);
      await handle.read(buffer, 0, buffer.length, tail.offset);
      tail.offset = size;
      text += buffer.toString('utf8');
    }
    const lines = text.split('\n');
    tail.partial = lines.pop() ?? '';
    if (flush && tail.partial !== '') {
      lines.push(tail.partial);
      tail.partial = '';
    }
    return lines;
  } finally {
    await handle.close();
  }
}
