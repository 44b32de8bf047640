/**
 * An agent inside the Meridian process: claims queued jobs from the state store, runs them
 * (runJob) and reports outcomes to the engine. Remote agents will claim the same jobs.
 */
import type { JobRecord } from '../stores/state/records.js';
import { coerceError } from '../lib/coerce-error.js';
import { runJob, type JobDeps } from './run-job.js';

export interface EmbeddedAgentOptions {
  owner: string;
  /** Jobs run at the same time; same-runOrder actions need one slot each to overlap. */
  concurrency: number;
  /** Only claim jobs of these executions (a `meridian run` drives just its own). */
  executionIds?: () => string[];
  onError: (error: Error) => void;
}

export class EmbeddedAgent {
  private readonly running = new Map<string, AbortController>();
  private claiming = false;
  private again = false;
  private stopped = false;
  /** Set while shutting down gracefully: running jobs finish and report, nothing new is claimed. */
  private draining = false;

  constructor(
    private readonly deps: JobDeps,
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
    for (const [key, controller] of this.running) {
      if (key.startsWith(`${executionId}/`)) controller.abort(reason);
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
    for (const controller of this.running.values()) controller.abort(reason);
    while (this.running.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private async claimLoop(): Promise<void> {
    while (!this.stopped && !this.draining && this.running.size < this.options.concurrency) {
      const ids = this.options.executionIds?.();
      if (ids && ids.length === 0) return;
      const job = await this.deps.store.claimJob(this.options.owner, ids ? { executionIds: ids } : {});
      if (!job) return;
      this.start(job);
    }
  }

  private start(job: JobRecord): void {
    const controller = new AbortController();
    const key = `${job.executionId}/${job.id}`;
    this.running.set(key, controller);
    runJob(this.deps, job, controller.signal)
      .then((outcome) => (this.stopped ? undefined : this.deps.engine.completeJob(job, outcome)))
      .catch((thrown) => this.options.onError(coerceError(thrown)))
      .finally(() => {
        this.running.delete(key);
        this.wake();
      });
  }
}
