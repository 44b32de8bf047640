/**
 * `meridian agent`: a worker on another machine, pinned to one region by its token. One loop
 * asks its job source (remote-job-source.ts: the server, long-polled) for as many jobs as the
 * agent has free slots (one request however many); each job runs with the same executeJob
 * and providers as the embedded agent (in a local work dir), renews its lease while it runs,
 * and reports its outcome, taking the freed slot's next job from the same round trip. If the
 * agent dies, its leases run out and the server hands its jobs on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MeridianError } from '../domain/errors.js';
import type { HeldJob, JobSource } from '../domain/jobs/job-source.js';
import { coerceError } from '../lib/coerce-error.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { executeJob } from './execute-job.js';

export interface RemoteAgentOptions {
  concurrency: number;
  /** One line about what the agent does (claimed, finished, lost a lease). */
  say: (line: string) => void;
  onError: (error: Error) => void;
}

interface Running {
  job: HeldJob;
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

  constructor(
    private readonly deps: { source: JobSource; registry: ProviderRegistry },
    private readonly options: RemoteAgentOptions,
  ) {}

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

  /** Asks for as many jobs as there are free slots; with none free, waits for one. */
  private async claimLoop(): Promise<void> {
    while (!this.stopping) {
      const free = this.options.concurrency - this.running.size;
      if (free <= 0) {
        await this.slotFreed();
        continue;
      }
      const claimed = await this.deps.source.claim(free, this.claims.signal);
      if (this.stopping) return;
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

  /** Runs a job, then the next one the source dispatched with its report, in the same slot. */
  private start(job: HeldJob): void {
    void this.runJob(job).then((next) => {
      for (const held of next) this.start(held);
      if (next.length === 0) this.onSlotFreed?.();
    });
  }

  /** Runs one job and reports it; resolves with the jobs claimed for its slot in the same round trip. */
  private async runJob(held: HeldJob): Promise<HeldJob[]> {
    const { source } = this.deps;
    const { spec } = held;
    const { job } = spec;
    const what = `${spec.action.name} (${job.region}) attempt ${job.attempt} of ${job.executionId}`;
    const entry: Running = { job: held, controller: new AbortController(), unreported: false };
    this.running.set(job.id, entry);
    const heartbeat = setInterval(() => void this.renew(entry), source.heartbeatMs);
    this.options.say(`Running ${what}`);
    try {
      const outcome = await executeJob(held.host, this.deps.registry, spec, entry.controller.signal);
      clearInterval(heartbeat);
      if (entry.unreported) {
        await source.release(job.id);
        this.options.say(`Dropped ${what}: ${entry.controller.signal.reason instanceof Error ? entry.controller.signal.reason.message : 'cut off'}`);
        return [];
      }
      const { recorded, why, next } = await source.report(job.id, outcome, { claimNext: !this.stopping });
      if (recorded) this.options.say(`${outcome.status} ${what}${outcome.error ? `: ${outcome.error.message}` : ''}`);
      else this.options.say(`Dropped ${what}: ${why ?? 'not recorded'}`);
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
    const lease = await this.deps.source.renew(entry.job.spec.job.id);
    if (lease === 'abandoned') entry.controller.abort(new MeridianError('INTERRUPTED', 'abandoned by a stop request'));
    if (lease === 'lost') {
      entry.unreported = true;
      entry.controller.abort(new MeridianError('INTERRUPTED', `the lease on job ${entry.job.spec.job.id} was lost; the server handed it on`));
    }
  }
}
