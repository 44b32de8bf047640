/**
 * The job source of a remote agent: the agent protocol over the server's HTTP API. A claim
 * long-polls for the agent's region (retrying while the server cannot be reached); each held
 * job's log is shipped as it runs; a report goes with the log's last lines and the outcomes
 * of jobs that ended while the last report was in flight (outcome-batch.ts), and asks for the
 * freed slot's next job in the same round trip.
 */
import type { JobOutcome } from '../domain/jobs/job-outcome.js';
import type { HeldJob, JobSource, LeaseState, ReportAnswer } from '../domain/jobs/job-source.js';
import { coerceError } from '../lib/coerce-error.js';
import { statusOf, type AgentClient, type ClaimedJob } from './agent-client.js';
import { LogShipper } from './log-shipper.js';
import { OutcomeBatch } from './outcome-batch.js';
import { RemoteJobHost } from './remote-job-host.js';

export interface RemoteJobSourceOptions {
  /** Must be the region the agent's token is scoped to (the server refuses others). */
  region: string;
  /** It is handed only jobs that ask for no label outside these (an action's `runsOn`). */
  labels: string[];
  /** The agent's slots, told to the server with each claim. */
  concurrency: number;
  /** The agent's work dir: work folders, caches, local copies of its logs. */
  root: string;
  onError: (error: Error) => void;
}

/** Backoff while the server cannot be reached. */
const RETRY_MS = [500, 1000, 2000, 5000, 10_000];
/** How long a finished job's outcome is offered to a server that does not answer. */
const REPORT_PATIENCE_MS = 120_000;
const LOST = 'the server handed it on before it ended';

export class RemoteJobSource implements JobSource {
  /** The server says how often to renew, with every job it dispatches. */
  heartbeatMs = 10_000;
  private readonly shippers = new Map<string, LogShipper>();
  private readonly outcomes: OutcomeBatch;

  constructor(
    private readonly client: AgentClient,
    private readonly options: RemoteJobSourceOptions,
  ) {
    this.outcomes = new OutcomeBatch((reports, claimNext) => client.completeMany(reports, { claimNext, labels: options.labels }));
  }

  /** Long-polls until the server dispatches jobs or `signal` fires; a server that cannot be reached is asked again with a backoff. */
  async claim(max: number, signal?: AbortSignal): Promise<HeldJob[]> {
    const { region, labels, concurrency } = this.options;
    for (let failures = 0; ; failures++) {
      if (signal?.aborted) return [];
      try {
        const claimed = await this.client.claim({ region, labels, concurrency, max }, signal ?? new AbortController().signal);
        return claimed.map((job) => this.hold(job));
      } catch (thrown) {
        if (signal?.aborted) return [];
        if (!transient(thrown)) throw thrown;
        if (failures === 0) this.options.onError(coerceError(thrown));
        await sleep(backoff(failures), signal);
      }
    }
  }

  /** A lease the server no longer gives this agent is lost; a server that does not answer is asked again at the next beat. */
  async renew(jobId: string): Promise<LeaseState> {
    try {
      const { abandon } = await this.client.heartbeat(jobId);
      return abandon ? 'abandoned' : 'held';
    } catch (thrown) {
      return leaseGone(thrown) ? 'lost' : 'held';
    }
  }

  /**
   * Reports with the log's last lines, batched with other outcomes. When that request fails,
   * the report goes again on its own, retried while the server cannot be reached, and asks
   * for no next job: it may have been recorded already, and a job dispatched in an answer
   * that never arrived would wait for its lease.
   */
  async report(jobId: string, outcome: JobOutcome, options: { claimNext?: boolean } = {}): Promise<ReportAnswer> {
    const log = await this.finishLog(jobId);
    try {
      const { result, next } = await this.outcomes.add({ jobId, outcome, log }, options.claimNext ?? false);
      const held = next.map((job) => this.hold(job));
      if ('recorded' in result) return { recorded: true, next: held };
      return { recorded: false, why: result.status === 409 || result.status === 404 ? LOST : result.message, next: held };
    } catch {
      // Whatever failed the batch (the server unreachable, a body too large for it), this
      // report goes on alone; what fails it alone too (a revoked token) is thrown from there.
    }
    const recorded = await this.reportAlone(jobId, outcome, log);
    return recorded ? { recorded, next: [] } : { recorded, why: LOST, next: [] };
  }

  /** Ships what is left of the log; the server hands the job on when its lease runs out. */
  async release(jobId: string): Promise<void> {
    await this.finishLog(jobId);
  }

  private hold(claimed: ClaimedJob): HeldJob {
    const { spec } = claimed;
    this.heartbeatMs = claimed.heartbeatMs;
    const shipper = new LogShipper(
      (lines) => this.client.log(spec.job.id, lines),
      (error) => this.options.onError(error),
    );
    this.shippers.set(spec.job.id, shipper);
    return { spec, host: new RemoteJobHost(this.client, spec, this.options.root, shipper) };
  }

  private async finishLog(jobId: string): Promise<string[]> {
    const shipper = this.shippers.get(jobId);
    this.shippers.delete(jobId);
    return shipper ? shipper.finish() : [];
  }

  private async reportAlone(jobId: string, outcome: JobOutcome, log: string[]): Promise<boolean> {
    const until = Date.now() + REPORT_PATIENCE_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.complete(jobId, outcome, { log, claimNext: 0 });
        return true;
      } catch (thrown) {
        if (leaseGone(thrown)) return false;
        if (!transient(thrown) || Date.now() > until) throw thrown;
        await sleep(backoff(attempt));
      }
    }
  }
}

/** The server said the job is not this agent's any more. */
function leaseGone(thrown: unknown): boolean {
  const status = statusOf(thrown);
  return status === 409 || status === 404;
}

/** No answer, a server error or too many requests: worth asking again. */
function transient(thrown: unknown): boolean {
  const status = statusOf(thrown) ?? 0;
  return status === 0 || status >= 500 || status === 429;
}

function backoff(failures: number): number {
  return RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] ?? 10_000;
}

/** Resolves after `ms`, or at once when `signal` fires (a stopping agent does not sit out a backoff). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
