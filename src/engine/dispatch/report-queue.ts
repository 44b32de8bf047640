/**
 * Records job outcomes one transaction at a time per execution, each taking every outcome of
 * that execution reported meanwhile. Recording an outcome locks its execution (execution-writes.ts
 * `write`), so outcomes of one execution are recorded one after the other anyway; recorded
 * one by one, each waited for the lock while holding a database connection, and a stage of
 * fifty parallel actions held the pool. Grouped, the lock is taken once per group.
 */
import type { Engine } from '../engine.js';
import type { JobOutcome } from '../../domain/jobs/job-outcome.js';
import type { JobRecord } from '../../domain/records.js';

interface Pending {
  job: JobRecord;
  outcome: JobOutcome;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class ReportQueue {
  /** Execution id -> outcomes waiting for the transaction in flight to end. */
  private readonly pending = new Map<string, Pending[]>();
  private readonly busy = new Set<string>();

  constructor(private readonly engine: Engine) {}

  /** Resolves once the outcome is recorded (with the others of its group). */
  report(job: JobRecord, outcome: JobOutcome): Promise<void> {
    return this.reportMany([{ job, outcome }]);
  }

  /** Several outcomes that arrived together (an agent's batch): one group per execution. */
  async reportMany(reports: Array<{ job: JobRecord; outcome: JobOutcome }>): Promise<void> {
    const recorded = reports.map(
      ({ job, outcome }) =>
        new Promise<void>((resolve, reject) => {
          const waiting = this.pending.get(job.executionId) ?? [];
          waiting.push({ job, outcome, resolve, reject });
          this.pending.set(job.executionId, waiting);
        }),
    );
    for (const id of new Set(reports.map(({ job }) => job.executionId))) if (!this.busy.has(id)) void this.drain(id);
    await Promise.all(recorded);
  }

  private async drain(id: string): Promise<void> {
    this.busy.add(id);
    try {
      for (let group = this.pending.get(id); group && group.length > 0; group = this.pending.get(id)) {
        this.pending.delete(id);
        try {
          await this.engine.completeJobs(group.map(({ job, outcome }) => ({ job, outcome })));
          for (const entry of group) entry.resolve();
        } catch (error) {
          for (const entry of group) entry.reject(error);
        }
      }
    } finally {
      this.busy.delete(id);
    }
  }
}
