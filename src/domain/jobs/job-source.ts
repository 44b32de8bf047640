/**
 * The agent protocol from the agent's side: claim jobs with a lease, renew the lease while
 * they run, report each outcome while still holding it. The engine implements it in-process
 * (engine/dispatch/in-process-job-source.ts); the server serves the same calls over HTTP to
 * remote agents (agent/agent-client.ts). Either way the agent runs a held job the same way:
 * executeJob(host, registry, spec).
 */
import type { JobHost } from './job-host.js';
import type { JobOutcome } from './job-outcome.js';
import type { JobSpec } from './job-spec.js';

/** A claimed job: what to run, and the host it runs against. */
export interface HeldJob {
  spec: JobSpec;
  host: JobHost;
}

export interface JobSource {
  /** How often a holder renews its leases. */
  readonly heartbeatMs: number;
  /** Up to `max` queued jobs this agent may run, each now leased to it; none when there are none. */
  claim(max: number): Promise<HeldJob[]>;
  /** False when the lease was lost (it expired and the job was handed on, or the job ended). */
  renew(jobId: string): Promise<boolean>;
  /** Reports a job's end; false (and nothing recorded) when the lease is no longer held. */
  report(jobId: string, outcome: JobOutcome): Promise<boolean>;
}
