/**
 * The agent protocol from the agent's side: claim jobs with a lease, renew the lease while
 * they run, report each outcome while still holding it. The engine implements it in-process
 * (engine/dispatch/in-process-job-source.ts); the server serves the same calls over HTTP to
 * remote agents, and agent/remote-job-source.ts implements it over that HTTP API. Either way
 * the agent runs a held job the same way: executeJob(host, registry, spec).
 */
import type { JobHost } from './job-host.js';
import type { JobOutcome } from './job-outcome.js';
import type { JobSpec } from './job-spec.js';

/** A claimed job: what to run, and the host it runs against. */
export interface HeldJob {
  spec: JobSpec;
  host: JobHost;
}

/** A lease as its holder finds it when it renews: still held, lost (the job was handed on or ended), or to be abandoned (stop and abandon). */
export type LeaseState = 'held' | 'lost' | 'abandoned';

/** What became of a report: recorded or not (the lease was lost first: `why`), and the jobs claimed for the freed slot in the same round trip. */
export interface ReportAnswer {
  recorded: boolean;
  why?: string;
  next: HeldJob[];
}

export interface JobSource {
  /** How often a holder renews its leases. */
  readonly heartbeatMs: number;
  /**
   * Up to `max` queued jobs this agent may run, each now leased to it. In-process it answers at
   * once (none when there are none); over HTTP it waits a while for one, until `signal` fires.
   * Rejects only when the source refuses this agent (a revoked token, a bad request).
   */
  claim(max: number, signal?: AbortSignal): Promise<HeldJob[]>;
  renew(jobId: string): Promise<LeaseState>;
  /**
   * Reports a job's end while holding its lease; nothing is recorded when the lease is no
   * longer held. With `claimNext` the source may claim the freed slot's next job in the same
   * round trip (a remote agent does; in-process the agent claims again itself).
   */
  report(jobId: string, outcome: JobOutcome, options?: { claimNext?: boolean }): Promise<ReportAnswer>;
  /** The holder gives a job up unreported (cut off by a shutdown, or its lease lost): it is handed on when its lease runs out. */
  release(jobId: string): Promise<void>;
}
