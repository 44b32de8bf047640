/**
 * How providers turn an AbortSignal into the error an action fails with. The agent aborts
 * with a MeridianError (TIMEOUT, a stop, a shutdown) and that reason is kept as is; a bare
 * `AbortSignal.timeout()` becomes TIMEOUT and anything else ACTION_FAILED.
 */
import { MeridianError } from '../domain/errors.js';

export function abortError(signal: AbortSignal): MeridianError {
  const reason: unknown = signal.reason;
  if (reason instanceof MeridianError) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new MeridianError('TIMEOUT', 'the action ran past its timeout and was stopped', { cause: reason });
  }
  const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'no reason given';
  return new MeridianError('ACTION_FAILED', `the action was stopped: ${why}`, { cause: reason });
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError(signal);
}

/** Settles with `work`, or rejects with `abortError` as soon as the signal fires. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Resolves after `ms`, or rejects with `abortError` when the signal fires first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `work` with a signal that fires when `signal` does or after `ms`, whichever is first;
 * the listener on `signal` is removed afterwards, so a loop of tries does not pile them up.
 */
export async function withDeadline<T>(signal: AbortSignal, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
