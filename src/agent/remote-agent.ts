/**
 * `meridian agent`: a worker on another machine, pinned to one region by its token. One loop
 * long-polls the server for as many jobs of that region as the agent has free slots (one
 * request however many); each job runs with the same executeJob and providers as the
 * embedded agent (in a local work dir), renews its lease while it runs, ships its log, and
 * reports its outcome — with the log's last lines and the outcomes of jobs that ended while
 * the last report was in flight, asking for the freed slots' next jobs in the same round trip. If the agent dies, its leases run out and the server hands its jobs on.
 */
import { MeridianError } from '../domain/errors.js';
import type { JobOutcome } from '../domain/jobs/job-outcome.js';
import { coerceError } from '../lib/coerce-error.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { statusOf, type AgentClient, type ClaimedJob } from './agent-client.js';
import { executeJob } from './execute-job.js';
import { LogShipper } from './log-shipper.js';
import { OutcomeBatch } from './outcome-batch.js';
import { RemoteJobHost } from './remote-job-host.js';

export interface RemoteAgentOptions {
  /** Must be the region the agent's token is scoped to (the server refuses others). */
  region: string;
  concurrency: number;
  /** It runs only jobs that ask for no label outside these (an action's `runsOn`). */
  labels: string[];
  /** The agent's work dir: work folders, caches, local copies of its logs. */
  root: string;
  registry: ProviderRegistry;
  /** One line about what the agent does (claimed, finished, lost a lease). */
  say: (line: string) => void;
  onError: (error: Error) => void;
}

/** Backoff while the server cannot be reached. */
const RETRY_MS = [500, 1000, 2000, 5000, 10_000];
/** How long a finished job's outcome is offered to a server that does not answer. */
const REPORT_PATIENCE_MS = 120_000;

interface Running {
  claimed: ClaimedJob;
  controller: AbortController;
  /** Cut off by a shutdown or a lost lease: its outcome is not reported. */
  unreported: boolean;
}

export class RemoteAgent {
  private readonly running = new Map<string, Running>();
  private readonly claims = new AbortController();
  private stopping = false;
  /** Wakes the claim loop when it waits for a free slot. */
  private onSlotFreed: (() => void) | undefined;
  private readonly outcomes: OutcomeBatch;

  constructor(
    private readonly client: AgentClient,
    private readonly options: RemoteAgentOptions,
  ) {
    this.outcomes = new OutcomeBatch((reports, claimNext) => client.completeMany(reports, { claimNext, labels: options.labels }));
  }

  get busy(): number {
    return this.running.size;
  }

  /** Runs until `stop`; rejects when the server refuses this agent (a bad token, a bad request). */
  async run(): Promise<void> {
    try {
      await this.claimLoop();
    } catch (error) {
      this.stopping = true;
      this.claims.abort(error);
      throw error;
    } finally {
      while (this.running.size > 0) await sleep(20);
    }
  }

  /**
   * Claims nothing more, lets running jobs finish and report for up to `graceMs`, then cuts
   * the rest off unreported (their leases run out and the server hands them on). Resolves
   * with how many were cut off.
   */
  async stop(graceMs: number): Promise<number> {
    this.stopping = true;
    this.claims.abort(new MeridianError('INTERRUPTED', 'the agent is stopping'));
    const deadline = Date.now() + graceMs;
    while (this.running.size > 0 && Date.now() < deadline) await sleep(50);
    const cut = this.running.size;
    for (const entry of this.running.values()) {
      entry.unreported = true;
      entry.controller.abort(new MeridianError('INTERRUPTED', 'the agent stopped'));
    }
    while (this.running.size > 0) await sleep(20);
    return cut;
  }

  /** Long-polls for as many jobs as there are free slots; with none free, waits for one. */
  private async claimLoop(): Promise<void> {
    const { region, labels, concurrency } = this.options;
    let failures = 0;
    while (!this.stopping) {
      const free = concurrency - this.running.size;
      if (free <= 0) {
        await this.slotFreed();
        continue;
      }
      let claimed: ClaimedJob[];
      try {
        claimed = await this.client.claim({ region, labels, concurrency, max: free }, this.claims.signal);
        failures = 0;
      } catch (thrown) {
        if (this.stopping) return;
        const status = statusOf(thrown) ?? 0;
        if (status !== 0 && status < 500 && status !== 429) throw thrown;
        if (failures === 0) this.options.onError(coerceError(thrown));
        await sleep(RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] ?? 10_000, this.claims.signal);
        failures++;
        continue;
      }
      for (const job of claimed) this.start(job);
    }
  }

  /** Resolves when a job ends without a next one in its slot, or when the agent stops. */
  private slotFreed(): Promise<void> {
    return new Promise((resolve) => {
      this.onSlotFreed = resolve;
      this.claims.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /** Runs a job, then the next one the server handed out with its report, in the same slot. */
  private start(claimed: ClaimedJob): void {
    void this.runJob(claimed).then((next) => {
      for (const job of next) this.start(job);
      if (next.length === 0) this.onSlotFreed?.();
    });
  }

  /** Runs one job and reports it; resolves with the jobs claimed for its slot in the same round trip. */
  private async runJob(claimed: ClaimedJob): Promise<ClaimedJob[]> {
    const { spec } = claimed;
    const { job } = spec;
    const what = `${spec.action.name} (${job.region}) attempt ${job.attempt} of ${job.executionId}`;
    const entry: Running = { claimed, controller: new AbortController(), unreported: false };
    this.running.set(job.id, entry);
    const heartbeat = setInterval(() => void this.renew(entry), claimed.heartbeatMs);
    const shipper = new LogShipper(
      (lines) => this.client.log(job.id, lines),
      (error) => this.options.onError(error),
    );
    this.options.say(`Running ${what}`);
    try {
      const outcome = await executeJob(new RemoteJobHost(this.client, spec, this.options.root, shipper), this.options.registry, spec, entry.controller.signal);
      clearInterval(heartbeat);
      const tail = await shipper.finish();
      if (entry.unreported) {
        this.options.say(`Dropped ${what}: ${entry.controller.signal.reason instanceof Error ? entry.controller.signal.reason.message : 'cut off'}`);
        return [];
      }
      const { recorded, why, next } = await this.report(job.id, outcome, tail);
      if (recorded) this.options.say(`${outcome.status} ${what}${outcome.error ? `: ${outcome.error.message}` : ''}`);
      else this.options.say(`Dropped ${what}: ${why}`);
      return next;
    } catch (thrown) {
      this.options.onError(coerceError(thrown));
      return [];
    } finally {
      clearInterval(heartbeat);
      this.running.delete(job.id);
    }
  }

  /** Renews the lease; a lost lease stops the job (someone else runs it now), a stop-and-abandon abandons it. */
  private async renew(entry: Running): Promise<void> {
    const { job } = entry.claimed.spec;
    try {
      const { abandon } = await this.client.heartbeat(job.id);
      if (abandon) entry.controller.abort(new MeridianError('INTERRUPTED', 'abandoned by a stop request'));
    } catch (thrown) {
      if (statusOf(thrown) === 409 || statusOf(thrown) === 404) {
        entry.unreported = true;
        entry.controller.abort(new MeridianError('INTERRUPTED', `the lease on job ${job.id} was lost; the server handed it on`));
      }
      // Other failures (the server restarting): the next heartbeat tries again.
    }
  }

  /**
   * Reports the outcome with the log's last lines (with the outcomes of other jobs that ended
   * meanwhile: outcome-batch.ts); resolves with whether it was recorded (not when the lease
   * was lost first) and the slot's next job, claimed in the same round trip. When that request
   * fails, the report goes again on its own, retried while the server cannot be reached, and
   * asks for no next job: it may have been recorded already, and a job handed out in an
   * answer that never arrived would wait for its lease.
   */
  private async report(jobId: string, outcome: JobOutcome, log: string[]): Promise<{ recorded: boolean; why: string; next: ClaimedJob[] }> {
    const lost = 'the server handed it on before it ended';
    try {
      const { result, next } = await this.outcomes.add({ jobId, outcome, log }, !this.stopping);
      if ('recorded' in result) return { recorded: true, why: '', next };
      return { recorded: false, why: result.status === 409 || result.status === 404 ? lost : result.message, next };
    } catch {
      // Whatever failed the batch (the server unreachable, a body too large for it), this
      // report goes on alone; what fails it alone too (a revoked token) is thrown from there.
    }
    const recorded = (await this.reportAlone(jobId, outcome, log)) !== undefined;
    return { recorded, why: lost, next: [] };
  }

  /** One job's report, retried while the server cannot be reached; undefined when the lease was lost first. */
  private async reportAlone(jobId: string, outcome: JobOutcome, log: string[]): Promise<ClaimedJob[] | undefined> {
    const until = Date.now() + REPORT_PATIENCE_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.client.complete(jobId, outcome, { log, claimNext: 0 });
      } catch (thrown) {
        const status = statusOf(thrown) ?? 0;
        if (status === 409 || status === 404) return undefined;
        if ((status !== 0 && status < 500) || Date.now() > until) throw thrown;
        await sleep(RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] ?? 10_000);
      }
    }
  }
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
