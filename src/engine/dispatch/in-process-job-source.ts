/**
 * The job source of the agent inside a Meridian process: claims through the same JobDispatch
 * the server's agent routes use for remote agents, prepares each job's spec from the state
 * store (variables resolved, inputs by digest), and hosts it against this process's stores.
 */
import type { HeldJob, JobSource, LeaseState, ReportAnswer } from '../../domain/jobs/job-source.js';
import type { JobOutcome } from '../../domain/jobs/job-outcome.js';
import { InProcessJobHost, type InProcessJobHostDeps } from './in-process-job-host.js';
import type { JobDispatch, JobFilter } from './job-dispatch.js';
import { prepareJob } from './job-specs.js';

export interface InProcessJobSourceOptions {
  /** Who holds the leases: this process. */
  owner: string;
  /** Only claim jobs of these executions (a `meridian run` drives just its own). */
  executionIds?: () => string[];
  /** Regions whose jobs remote agents run (`*`: every region): never claimed here. */
  exceptRegions?: string[];
  /** Its agent labels (`--agent-labels`): none unless given, so it leaves jobs whose action has `runsOn`. */
  labels?: string[];
}

export class InProcessJobSource implements JobSource {
  constructor(
    private readonly deps: InProcessJobHostDeps & { dispatch: JobDispatch },
    private readonly options: InProcessJobSourceOptions,
  ) {}

  get heartbeatMs(): number {
    return this.deps.dispatch.heartbeatMs;
  }

  async claim(max: number): Promise<HeldJob[]> {
    const except = this.options.exceptRegions ?? [];
    if (except.includes('*')) return [];
    const ids = this.options.executionIds?.();
    if (ids && ids.length === 0) return [];
    const filter: JobFilter = {
      ...(ids ? { executionIds: ids } : {}),
      ...(except.length > 0 ? { exceptRegions: except } : {}),
      labels: this.options.labels ?? [],
    };
    const jobs = await this.deps.dispatch.claimMany(this.options.owner, filter, max);
    return Promise.all(
      jobs.map(async (job) => {
        const spec = await prepareJob(this.deps.store, job, this.deps.parameters);
        return { spec, host: new InProcessJobHost(this.deps, spec) };
      }),
    );
  }

  /** Never 'abandoned': in-process the engine aborts an abandoned execution's jobs itself (EmbeddedAgent.abandon). */
  async renew(jobId: string): Promise<LeaseState> {
    return (await this.deps.dispatch.renew(jobId, this.options.owner)) ? 'held' : 'lost';
  }

  /** Claims no next job: the agent claims again when a slot frees. */
  async report(jobId: string, outcome: JobOutcome): Promise<ReportAnswer> {
    const recorded = await this.deps.dispatch.report(jobId, this.options.owner, outcome);
    return recorded ? { recorded, next: [] } : { recorded, why: 'the lease was lost before it ended', next: [] };
  }

  /** Nothing to give back: the job stays `running` under this process's lease until it runs out or the process resumes it. */
  async release(): Promise<void> {}
}
