/**
 * Streams a remote job's log lines to the server in order: lines are batched for a moment,
 * one batch is in flight at a time, and a failed send is retried (the server may be
 * restarting). When the job ends, `finish` waits for the batches in flight and hands back
 * the last lines, which travel with the outcome: the log is whole when the action ends, and a
 * short job's log costs no request of its own.
 */
import { coerceError } from '../lib/coerce-error.js';
import { statusOf } from './agent-client.js';

const BATCH_DELAY_MS = 100;
const MAX_BATCH = 500;
const RETRY_MS = [250, 500, 1000, 2000, 4000, 8000];

export class LogShipper {
  private pending: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** Set when the server refused the lines for good (lease lost): later lines are dropped. */
  private dropped = false;

  constructor(
    private readonly send: (lines: string[]) => Promise<void>,
    private readonly onError: (error: Error) => void,
  ) {}

  push(line: string): void {
    if (this.dropped) return;
    this.pending.push(line);
    this.timer ??= setTimeout(() => this.drain(), BATCH_DELAY_MS);
  }

  /**
   * The job ended: waits for the batches in flight and hands back the last lines (one
   * batch at most), which the agent sends with the job's outcome instead of on their own.
   */
  async finish(): Promise<string[]> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > MAX_BATCH) {
      const batch = this.pending.splice(0, MAX_BATCH);
      this.chain = this.chain.then(() => this.deliver(batch));
    }
    await this.chain;
    clearTimeout(this.timer);
    this.timer = undefined;
    const rest = this.dropped ? [] : this.pending;
    this.pending = [];
    this.dropped = true;
    return rest;
  }

  private drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      this.chain = this.chain.then(() => this.deliver(batch));
    }
  }

  private async deliver(lines: string[]): Promise<void> {
    for (let attempt = 0; !this.dropped; attempt++) {
      try {
        await this.send(lines);
        return;
      } catch (thrown) {
        const status = statusOf(thrown) ?? 0;
        const delay = RETRY_MS[attempt];
        if ((status !== 0 && status < 500) || delay === undefined) {
          this.dropped = true;
          this.onError(coerceError(thrown));
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
