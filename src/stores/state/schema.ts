/**
 * Table shapes for Kysely. One set for SQLite and PostgreSQL: instants are ISO 8601 text,
 * JSON is text, booleans are integers, so both dialects read the same rows.
 */
import type { Generated } from 'kysely';

export interface ExecutionsTable {
  id: string;
  pipeline: string;
  status: string;
  trigger: string; // JSON Trigger
  definition: string; // JSON Pipeline, as compiled when the execution started
  context: string; // JSON: resolved template parameters, pipeline variables, source overrides
  started_at: string;
  ended_at: string | null;
  /** The process that drives this execution: `host:pid:nonce:start`. */
  owner: string | null;
  /** Set by a stop request: `wait` lets running actions finish, `abandon` aborts them. */
  stop_mode: string | null;
  error: string | null; // JSON StageError
  /** Order among the executions of all pipelines: later executions have higher numbers. */
  seq: number;
}

export interface StageExecutionsTable {
  execution_id: string;
  stage_index: number;
  name: string;
  status: string;
  started_at: string | null;
  ended_at: string | null;
  error: string | null; // JSON StageError
}

export interface ActionExecutionsTable {
  execution_id: string;
  stage_index: number;
  action_index: number;
  stage: string;
  name: string;
  region: string;
  run_order: number;
  status: string;
  attempts: number;
  started_at: string | null;
  ended_at: string | null;
  waiting_reason: string | null;
  output_variables: string; // JSON Record<string, string>
  error: string | null; // JSON ActionError
  reports: string | null; // JSON TestReport[]
  /** `window` while the action waits for its region's window (not for an approval). */
  waiting_for: string | null;
  /** When that window opens (ISO 8601), or null when it does not within the search horizon. */
  opens_at: string | null;
}

export interface JobsTable {
  id: string;
  execution_id: string;
  stage_index: number;
  action_index: number;
  attempt: number;
  region: string;
  status: string; // queued | running | done
  lease_owner: string | null;
  lease_expires_at: string | null;
  created_at: string;
}

export interface EventsTable {
  id: Generated<number>;
  execution_id: string;
  at: string;
  type: string;
  stage: string | null;
  action: string | null;
  description: string;
  data: string | null; // JSON
}

/** Output artifacts of an execution: name -> content digest, and which region produced it. */
export interface ArtifactsTable {
  execution_id: string;
  name: string;
  digest: string;
  size: number;
  region: string;
  produced_by: string;
}

export interface ApprovalsTable {
  execution_id: string;
  stage: string;
  action: string;
  status: string; // Approved | Rejected
  comment: string | null;
  by: string | null;
  at: string;
  /** The start of the wait the answer ends (the action's start): one answer per wait. Nullable in SQL only because migration 010 added it (and filled it in). */
  waited_since: string | null;
}

export interface ParametersTable {
  name: string;
  version: number;
  type: string;
  value: string; // encrypted, see stores/secrets/crypto
  description: string | null;
  modified_at: string;
}

export interface SecretsTable {
  secret_id: string;
  version_id: string;
  stages: string; // JSON string[]
  value: string; // encrypted
  created_at: string;
}

export interface ExportsTable {
  name: string;
  value: string;
}

/** API tokens: only a SHA-256 of the token is kept. */
export interface TokensTable {
  id: string;
  name: string;
  role: string; // viewer | operator | admin | agent
  hash: string;
  created_at: string;
  revoked_at: string | null;
  /** An agent token's region: the only region whose jobs, artifacts, parameters and secrets it gets. */
  region: string | null;
}

/** A remote agent, as it last presented itself when polling for jobs or renewing a lease. */
export interface AgentsTable {
  /** `host:pid:nonce:start`, the owner written on the leases it holds. */
  id: string;
  /** The name of its token. */
  name: string;
  region: string;
  labels: string; // JSON string[]
  concurrency: number;
  started_at: string;
  last_seen_at: string;
}

/** Every webhook delivery the server accepted for a pipeline, by GitHub's delivery id. */
export interface WebhookDeliveriesTable {
  delivery_id: string;
  pipeline: string;
  outcome: string; // started | ignored
  execution_id: string | null;
  received_at: string;
}

/** An operator started one execution's waiting actions in a region despite its window. */
/** An emergency halt of deploys in a region (`scope`) or everywhere (`*`); lifted when `lifted_at` is set. */
export interface HaltsTable {
  id: string;
  scope: string;
  by: string;
  reason: string;
  at: string;
  lifted_by: string | null;
  lifted_reason: string | null;
  lifted_at: string | null;
}

export interface WindowOverridesTable {
  execution_id: string;
  region: string;
  by: string;
  reason: string;
  at: string;
}

/** The last revision seen by polling one source action. */
export interface SourcePollsTable {
  pipeline: string;
  source_action: string;
  revision: string;
  checked_at: string;
}

/** Servers on one database and when each last said it is alive. */
export interface ReplicasTable {
  owner: string;
  started_at: string;
  heartbeat_at: string;
}

/** A rollback a failed stage started. */
export interface RollbacksTable {
  id: string;
  /** The forward execution whose stage failed. */
  execution_id: string;
  stage_index: number;
  stage: string;
  regions: string; // JSON string[]
  reason: string;
  requested_at: string;
  rollback_executions: string; // JSON string[]
}

/** An agent label a job asks for: only an agent with all of its job's labels claims it. */
export interface JobLabelsTable {
  job_id: string;
  label: string;
}

/** A process group an attempt's program leads, while it runs: ended before the action runs again after a crash. */
export interface JobProcessesTable {
  job_id: string;
  pgid: number;
  host: string;
  /** `boot-id:ticks` of the group leader's start: tells it from a later process given the same pid. */
  started: string;
  /** The attempt's scratch folder on that host. */
  scratch: string;
  recorded_at: string;
}

export interface Database {
  executions: ExecutionsTable;
  stage_executions: StageExecutionsTable;
  action_executions: ActionExecutionsTable;
  jobs: JobsTable;
  events: EventsTable;
  artifacts: ArtifactsTable;
  approvals: ApprovalsTable;
  parameters: ParametersTable;
  secrets: SecretsTable;
  exports: ExportsTable;
  tokens: TokensTable;
  webhook_deliveries: WebhookDeliveriesTable;
  source_polls: SourcePollsTable;
  replicas: ReplicasTable;
  window_overrides: WindowOverridesTable;
  halts: HaltsTable;
  agents: AgentsTable;
  rollbacks: RollbacksTable;
  job_labels: JobLabelsTable;
  job_processes: JobProcessesTable;
}
