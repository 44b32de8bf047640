/**
 * When this process's own event loop did not run. While it stalls (a long synchronous parse,
 * a swapped-out or stopped process), agents' renewals and reports wait unread in its
 * sockets: a lease that ran out meanwhile says nothing about the agent. The lease sweep gives
 * each lease back the stalled time since its last renewal (lease-expiry.ts), so a report
 * already sent is read before any decision about its lease.
 *
 * A beat every BEAT_MS notes that the loop runs; a gap longer than STALL_MS between two
 * observations (a beat or the sweep's own) is a stall. Lags shorter than that are left to the
 * lease's margin (holders renew every third of it). Wall clock, as leases are.
 */

const BEAT_MS = 100;
/** A gap this long between observations is the server's own stall, not a lag. */
export const STALL_MS = 1_000;
/** Stalls older than this are forgotten: no lease is longer. */
const REMEMBER_MS = 24 * 60 * 60 * 1000;
const MAX_REMEMBERED = 1_000;

interface Stall {
  from: number;
  to: number;
}

export class LoopStalls {
  private last: number;
  private readonly stalls: Stall[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = Date.now) {
    this.last = now();
  }

  /** Starts the beat (once); it never keeps the process alive. */
  watch(): void {
    if (this.timer) return;
    this.last = this.now();
    this.timer = setInterval(() => this.observe(), BEAT_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The loop runs now: a long gap since it last ran is recorded as a stall. */
  observe(): void {
    const now = this.now();
    if (now - this.last > STALL_MS) {
      this.stalls.push({ from: this.last, to: now });
      while (this.stalls.length > MAX_REMEMBERED || (this.stalls[0] !== undefined && this.stalls[0].to < now - REMEMBER_MS)) this.stalls.shift();
    }
    this.last = now;
  }

  /** How long (ms) the loop was stalled between `since` and now, counting a stall still in progress. */
  stalledSince(since: number): number {
    this.observe();
    let total = 0;
    for (const { from, to } of this.stalls) if (to > since) total += to - Math.max(from, since);
    return total;
  }
}
