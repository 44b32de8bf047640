/**
 * An agent inside the Meridian process: claims queued jobs with a lease from its job source,
 * renews the leases while the jobs run, and reports outcomes. The engine's in-process job
 * source claims through the same JobDispatch the server's agent routes use for remote agents;
 * the job itself runs through executeJob, as on a remote agent.
 */
import type { HeldJob, JobSource } from '../domain/jobs/job-source.js';
import { MeridianError } from '../domain/errors.js';
import { coerceError } from '../lib/coerce-error.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { executeJob } from './execute-job.js';

export interface EmbeddedAgentOptions {
  /** Jobs run at the same time; same-runOrder actions need one slot each to overlap. */
  concurrency: number;
  onError: (error: Error) => void;
}

export class EmbeddedAgent {
  private readonly running = new Map<string, { job: HeldJob; controller: AbortController }>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** Jobs whose lease was lost while they ran: their outcome is not reported. */
  private readonly lost = new Set<string>();
  private claiming = false;
  private again = false;
  private stopped = false;
  /** Set while shutting down gracefully: running jobs finish and report, nothing new is claimed. */
  private draining = false;

  constructor(
    private readonly deps: { source: JobSource; registry: ProviderRegistry },
    private readonly options: EmbeddedAgentOptions,
  ) {}

  get busy(): number {
    return this.running.size;
  }

  /** Claims as many queued jobs as there are free slots. Safe to call at any time. */
  wake(): void {
    if (this.stopped || this.draining) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = true;
    this.claimLoop()
      .catch((thrown) => this.options.onError(coerceError(thrown)))
      .finally(() => {
        this.claiming = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Aborts running jobs of one execution (stop and abandon). */
  abandon(executionId: string, reason: Error): void {
    for (const { job, controller } of this.running.values()) {
      if (job.spec.job.executionId === executionId) controller.abort(reason);
    }
  }

  /**
   * Graceful shutdown: claims nothing more, lets running jobs finish and report for up to
   * `graceMs`, then closes (what still runs stays `running` in the store and resumes later).
   * Resolves with how many jobs were cut off.
   */
  async drain(graceMs: number, reason: Error): Promise<number> {
    this.draining = true;
    const deadline = Date.now() + graceMs;
    while (this.running.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const cut = this.running.size;
    await this.close(reason);
    return cut;
  }

  /**
   * Stops claiming and aborts running jobs without reporting them: their jobs stay `running`
   * in the store, so the next `resume` treats them as interrupted.
   */
  async close(reason: Error): Promise<void> {
    this.stopped = true;
    for (const { controller } of this.running.values()) controller.abort(reason);
    while (this.running.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private async claimLoop(): Promise<void> {
    while (!this.stopped && !this.draining && this.running.size < this.options.concurrency) {
      const [job] = await this.deps.source.claim(1);
      if (!job) return;
      this.start(job);
    }
  }

  /** Renews the lease of every running job; a job whose lease was lost (another server handed it on) is stopped unreported. */
  private renewLeases(): void {
    void (async () => {
      for (const [key, { job, controller }] of this.running) {
        const lease = await this.deps.source.renew(job.spec.job.id);
        if (lease === 'held') continue;
        if (lease === 'abandoned') {
          controller.abort(new MeridianError('INTERRUPTED', 'abandoned by a stop request'));
          continue;
        }
        this.lost.add(key);
        controller.abort(new Error(`the lease on ${job.spec.job.id} was lost`));
      }
    })().catch((thrown) => this.options.onError(coerceError(thrown)));
  }

  private start(job: HeldJob): void {
    const controller = new AbortController();
    const key = job.spec.job.id;
    this.running.set(key, { job, controller });
    this.heartbeat ??= setInterval(() => this.renewLeases(), this.deps.source.heartbeatMs);
    executeJob(job.host, this.deps.registry, job.spec, controller.signal)
      .then(async (outcome) => {
        if (this.stopped || this.lost.has(key)) await this.deps.source.release(key);
        else await this.deps.source.report(key, outcome);
      })
      .catch((thrown) => this.options.onError(coerceError(thrown)))
      .finally(() => {
        this.running.delete(key);
        this.lost.delete(key);
        if (this.running.size === 0) {
          clearInterval(this.heartbeat);
          this.heartbeat = undefined;
        }
        this.wake();
      });
  }
}
