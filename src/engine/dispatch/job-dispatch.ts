/**
 * The agent protocol as the state store sees it: claim a job with a lease, renew the lease
 * while the job runs, report its outcome while still holding it. The embedded agent calls
 * this in-process; the server's agent routes call it for remote agents — one code path.
 * Leases run on wall-clock time, never on the engine's clock (which a run may speed up):
 * they say whether a process is still there.
 */
import type { Engine } from '../engine.js';
import type { JobOutcome } from '../../domain/jobs/job-outcome.js';
import type { JobRecord } from '../../domain/records.js';
import type { StateStore } from '../../stores/state/state-store.js';
import { LoopStalls } from './loop-stalls.js';
import { ReportQueue } from './report-queue.js';

export interface JobFilter {
  regions?: string[];
  exceptRegions?: string[];
  executionIds?: string[];
  /** The claimer's agent labels: jobs asking for one it lacks are left to others. */
  labels?: string[];
}

export class JobDispatch {
  /** When this process started granting leases (wall clock, ms). */
  readonly startedAt = Date.now();
  /** When this process's event loop stood still: the lease sweep does not count that time against agents. */
  readonly stalls = new LoopStalls();
  private readonly reports: ReportQueue;
  /** Jobs whose report has arrived and is being checked or recorded, with how many such reports. */
  private readonly arriving = new Map<string, number>();

  constructor(
    private readonly deps: { store: StateStore; engine: Engine },
    /** How long a lease lasts without renewal; holders renew it every third of that. */
    readonly leaseMs: number,
  ) {
    this.reports = new ReportQueue(deps.engine);
  }

  get heartbeatMs(): number {
    return Math.max(100, Math.floor(this.leaseMs / 3));
  }

  async claim(owner: string, filter: JobFilter = {}): Promise<JobRecord | undefined> {
    return (await this.claimMany(owner, filter, 1))[0];
  }

  /** Up to `max` jobs at once (an agent with that many free slots), in one statement. */
  claimMany(owner: string, filter: JobFilter, max: number): Promise<JobRecord[]> {
    if (filter.regions?.length === 0) return Promise.resolve([]);
    return this.deps.store.claimJobs(owner, { ...filter, max, leaseUntil: this.leaseUntil() });
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
  report(jobId: string, owner: string, outcome: JobOutcome): Promise<boolean> {
    return this.receiving([jobId], async () => {
      const job = await this.held(jobId, owner);
      if (!job) return false;
      await this.reports.report(job, outcome);
      return true;
    });
  }

  /**
   * Runs `receive` (a report's checks, then recording it) with its jobs marked as reported
   * from the moment the report arrived: the lease sweep leaves a job to a report already
   * received rather than deciding against it while the report waits for the database.
   */
  async receiving<T>(jobIds: readonly string[], receive: () => Promise<T>): Promise<T> {
    for (const id of jobIds) this.arriving.set(id, (this.arriving.get(id) ?? 0) + 1);
    try {
      return await receive();
    } finally {
      for (const id of jobIds) {
        const left = (this.arriving.get(id) ?? 1) - 1;
        if (left > 0) this.arriving.set(id, left);
        else this.arriving.delete(id);
      }
    }
  }

  /** Whether a report of the job has arrived and is not yet recorded or refused. */
  isReported(jobId: string): boolean {
    return this.arriving.has(jobId);
  }

  /** Reports the ends of several held jobs at once (an agent's batch): each execution's in one transaction. */
  reportManyHeld(reports: Array<{ job: JobRecord; outcome: JobOutcome }>): Promise<void> {
    return this.reports.reportMany(reports);
  }

  leaseUntil(): string {
    return new Date(Date.now() + this.leaseMs).toISOString();
  }
}
