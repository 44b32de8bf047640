/**
 * An agent inside the Meridian process: claims queued jobs with a lease, renews the leases
 * while the jobs run, and reports outcomes — through the same JobDispatch the server's agent
 * routes use for remote agents. Regions served by remote agents are left to them.
 */
import type { JobRecord } from '../stores/state/records.js';
import { coerceError } from '../lib/coerce-error.js';
import type { JobDispatch } from './job-dispatch.js';
import { runJob, type JobDeps } from './run-job.js';

export interface EmbeddedAgentOptions {
  owner: string;
  /** Jobs run at the same time; same-runOrder actions need one slot each to overlap. */
  concurrency: number;
  /** Only claim jobs of these executions (a `meridian run` drives just its own). */
  executionIds?: () => string[];
  /** Regions whose jobs remote agents run (`*`: every region): never claimed here. */
  exceptRegions?: string[];
  /** Its agent labels (`--agent-labels`): none unless given, so it leaves jobs whose action has `runsOn`. */
  labels?: string[];
  onError: (error: Error) => void;
}

export class EmbeddedAgent {
  private readonly running = new Map<string, { job: JobRecord; controller: AbortController }>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** Jobs whose lease was lost while they ran: their outcome is not reported. */
  private readonly lost = new Set<string>();
  private claiming = false;
  private again = false;
  private stopped = false;
  /** Set while shutting down gracefully: running jobs finish and report, nothing new is claimed. */
  private draining = false;

  constructor(
    private readonly deps: JobDeps & { dispatch: JobDispatch },
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
      if (job.executionId === executionId) controller.abort(reason);
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
    const except = this.options.exceptRegions ?? [];
    if (except.includes('*')) return;
    while (!this.stopped && !this.draining && this.running.size < this.options.concurrency) {
      const ids = this.options.executionIds?.();
      if (ids && ids.length === 0) return;
      const job = await this.deps.dispatch.claim(this.options.owner, { ...(ids ? { executionIds: ids } : {}), ...(except.length > 0 ? { exceptRegions: except } : {}), labels: this.options.labels ?? [] });
      if (!job) return;
      this.start(job);
    }
  }

  /** Renews the lease of every running job; a job whose lease was lost (another server handed it on) is stopped unreported. */
  private renewLeases(): void {
    void (async () => {
      for (const [key, { job, controller }] of this.running) {
        if (await this.deps.dispatch.renew(job.id, this.options.owner)) continue;
        this.lost.add(key);
        controller.abort(new Error(`the lease on ${job.id} was lost`));
      }
    })().catch((thrown) => this.options.onError(coerceError(thrown)));
  }

  private start(job: JobRecord): void {
    const controller = new AbortController();
    const key = job.id;
    this.running.set(key, { job, controller });
    this.heartbeat ??= setInterval(() => this.renewLeases(), this.deps.dispatch.heartbeatMs);
    runJob(this.deps, job, controller.signal)
      .then((outcome) => (this.stopped || this.lost.has(key) ? undefined : this.deps.dispatch.report(job.id, this.options.owner, outcome)))
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
