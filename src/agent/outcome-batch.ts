/**
 * A remote agent's outcomes on their way to the server, one report request at a time: the
 * outcomes of jobs that end while a request is in flight leave together in the next one,
 * which asks for as many next jobs as they freed slots. A job that ends alone is reported at
 * once; under load one request carries several, the server checks their leases in one
 * statement and records them in one transaction per execution (server/routes/agents.ts).
 */
import type { JobOutcome } from '../domain/jobs/job-outcome.js';
import type { ClaimedJob } from './agent-client.js';

export interface FinishedJob {
  jobId: string;
  outcome: JobOutcome;
  /** The log's last lines, not shipped yet. */
  log: string[];
}

/** The server's word on one job: recorded, or refused with the status its single-job route would answer. */
export type ReportResult = { recorded: true } | { status: number; message: string };

/** Sends one batch; `claimNext` jobs are asked for the freed slots. */
export type SendBatch = (reports: FinishedJob[], claimNext: number) => Promise<{ results: Map<string, ReportResult>; next: ClaimedJob[] }>;

interface Pending {
  finished: FinishedJob;
  /** The job's slot takes a next job (false while the agent stops). */
  wantsNext: boolean;
  resolve: (answer: { result: ReportResult; next: ClaimedJob[] }) => void;
  reject: (error: unknown) => void;
}

export class OutcomeBatch {
  private pending: Pending[] = [];
  private sending = false;

  constructor(private readonly send: SendBatch) {}

  /** Resolves with the server's word on this job and the next job for its slot, if one was claimed; rejects when the request failed. */
  add(finished: FinishedJob, wantsNext: boolean): Promise<{ result: ReportResult; next: ClaimedJob[] }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ finished, wantsNext, resolve, reject });
      if (!this.sending) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.sending = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        try {
          const { results, next } = await this.send(
            batch.map((entry) => entry.finished),
            batch.filter((entry) => entry.wantsNext).length,
          );
          // Each slot that asked takes one of the jobs claimed (the server claims no more than were asked for).
          for (const entry of batch) {
            const result = results.get(entry.finished.jobId) ?? { status: 500, message: `the server said nothing about job ${entry.finished.jobId}` };
            const job = entry.wantsNext ? next.shift() : undefined;
            entry.resolve({ result, next: job ? [job] : [] });
          }
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
