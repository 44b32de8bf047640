/**
 * Agents long-polling for a job of their region: a claim that found nothing waits here until
 * a job is queued in that region — by this server's engine, or by another server on the same
 * database (its NOTIFY) — or a short interval passes (the safety net for a lost
 * notification), then tries again.
 */
import type { Engine } from '../engine/engine.js';
import type { Meridian } from '../meridian.js';

interface Waiter {
  region: string;
  wake: () => void;
}

export class JobWaiters {
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  private readonly unsubscribe: Array<() => void> = [];

  constructor(engine: Engine, notified?: Meridian['onJobsNotified']) {
    this.unsubscribe.push(
      engine.onEvent((event) => {
        if (event.type !== 'action-started' && event.type !== 'action-requeued') return;
        if (typeof event.data?.region === 'string') this.wakeRegion(event.data.region);
      }),
    );
    if (notified) this.unsubscribe.push(notified((region) => this.wakeRegion(region)));
  }

  private wakeRegion(region: string): void {
    for (const waiter of [...this.waiters]) if (waiter.region === region) waiter.wake();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves after `ms`, when a job is queued in `region`, when `signal` fires, or when the server closes. */
  wait(region: string, ms: number, signal: AbortSignal): Promise<void> {
    if (this.closed || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        region,
        wake: () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', waiter.wake);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, ms);
      signal.addEventListener('abort', waiter.wake);
      this.waiters.add(waiter);
    });
  }

  /** The server is closing: every waiting claim answers now. */
  close(): void {
    this.closed = true;
    for (const fn of this.unsubscribe.splice(0)) fn();
    for (const waiter of [...this.waiters]) waiter.wake();
  }
}
