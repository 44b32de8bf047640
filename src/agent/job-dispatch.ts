/**
 * The agent protocol as the state store sees it: claim a job with a lease, renew the lease
 * while the job runs, report its outcome while still holding it. The embedded agent calls
 * this in-process; the server's agent routes call it for remote agents — one code path.
 * Leases run on wall-clock time, never on the engine's clock (which a run may speed up):
 * they say whether a process is still there.
 */
import type { Engine, JobOutcome } from '../engine/engine.js';
import type { JobRecord } from '../stores/state/records.js';
import type { StateStore } from '../stores/state/state-store.js';

export interface JobFilter {
  regions?: string[];
  exceptRegions?: string[];
  executionIds?: string[];
}

export class JobDispatch {
  /** When this process started handing out leases (wall clock, ms). */
  readonly startedAt = Date.now();

  constructor(
    private readonly deps: { store: StateStore; engine: Engine },
    /** How long a lease lasts without renewal; holders renew it every third of that. */
    readonly leaseMs: number,
  ) {}

  get heartbeatMs(): number {
    return Math.max(100, Math.floor(this.leaseMs / 3));
  }

  claim(owner: string, filter: JobFilter = {}): Promise<JobRecord | undefined> {
    if (filter.regions?.length === 0) return Promise.resolve(undefined);
    return this.deps.store.claimJob(owner, { ...filter, leaseUntil: this.leaseUntil() });
  }

  /** False when `owner` lost the lease (it expired and the job was handed on, or the job ended). */
  renew(jobId: string, owner: string): Promise<boolean> {
    return this.deps.store.renewLease(this.deps.store.db, jobId, owner, this.leaseUntil());
  }

  /** The job while `owner` holds its lease; undefined once it does not. */
  async held(jobId: string, owner: string): Promise<JobRecord | undefined> {
    const job = await this.deps.store.findJob(this.deps.store.db, jobId);
    return job && job.status === 'running' && job.leaseOwner === owner ? job : undefined;
  }

  /** Reports a job's end; false (and nothing recorded) when `owner` no longer holds it. */
  async report(jobId: string, owner: string, outcome: JobOutcome): Promise<boolean> {
    const job = await this.held(jobId, owner);
    if (!job) return false;
    await this.deps.engine.completeJob(job, outcome);
    return true;
  }

  leaseUntil(): string {
    return new Date(Date.now() + this.leaseMs).toISOString();
  }
}
