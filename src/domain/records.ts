/** What the state store hands out: rows decoded into domain shapes. */
import type { ActionError, ActionStatus, ExecutionStatus, StageError, StageStatus, Trigger } from './execution.js';
import type { Pipeline } from './pipeline.js';
import type { TestReport } from './test-report.js';

export interface SourceOverride {
  /** Empty: the repository the source action names (a webhook or poll fixes only the revision). */
  location: string;
  branch?: string;
  revision?: string;
}

/** Everything fixed when an execution starts besides the pipeline itself. */
export interface ExecutionContext {
  /** Template parameters, resolved (SSM-typed ones read from the parameter store), but for SecureStrings. */
  parameters: Record<string, string>;
  /**
   * Template parameters whose SSM parameter is a SecureString -> that parameter's name. Their
   * values are never stored: each job that references one reads it when its spec is made.
   */
  secureParameters?: Record<string, string>;
  /** Pipeline variables (V2): defaults overridden by the start request. */
  variables: Record<string, string>;
  /** Source action name -> where to fetch from instead of the configured repository. */
  sourceOverrides: Record<string, SourceOverride>;
  /** Region name -> artifact store folder, absolute. */
  stores: Record<string, string>;
  /** Started as disruptive (`run --disruptive`, an API start with `"disruptive": true`): windows apply under `disruptive-only`. */
  disruptive?: boolean;
}

export interface ExecutionRecord {
  id: string;
  pipeline: string;
  status: ExecutionStatus;
  trigger: Trigger;
  definition: Pipeline;
  context: ExecutionContext;
  startedAt: string;
  endedAt: string | null;
  owner: string | null;
  stopMode: 'wait' | 'abandon' | null;
  /** Why it failed, stopped (from the stop request on) or was superseded. */
  error: StageError | null;
  /** Later executions have higher numbers (execution modes: newest, oldest). */
  seq: number;
}

export interface StageRecord {
  executionId: string;
  index: number;
  name: string;
  status: StageStatus;
  startedAt: string | null;
  endedAt: string | null;
  /** Why it failed or stopped; null while it runs or when it succeeded. */
  error: StageError | null;
}

export interface ActionRecord {
  executionId: string;
  stageIndex: number;
  actionIndex: number;
  stage: string;
  name: string;
  region: string;
  runOrder: number;
  status: ActionStatus;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  waitingReason: string | null;
  /** `window` while waiting for the region's deployment window. */
  /** What holds a Waiting action that has not started: its region's window, or a halt. */
  waitingFor: 'window' | 'halt' | null;
  /** When that window opens, while waiting for it. */
  opensAt: string | null;
  outputVariables: Record<string, string>;
  error: ActionError | null;
  reports: TestReport[];
}

export type JobStatus = 'queued' | 'running' | 'done';

export interface JobRecord {
  id: string;
  executionId: string;
  stageIndex: number;
  actionIndex: number;
  attempt: number;
  region: string;
  status: JobStatus;
  leaseOwner: string | null;
  /** While running: when the lease ends unless its holder renews it (null: held without expiry). */
  leaseExpiresAt: string | null;
  createdAt: string;
}

export interface EventRecord {
  id: number;
  executionId: string;
  at: string;
  type: string;
  stage: string | null;
  action: string | null;
  description: string;
  data: Record<string, unknown> | null;
}

export interface ArtifactRecord {
  executionId: string;
  name: string;
  digest: string;
  size: number;
  region: string;
  producedBy: string;
}

export interface ApprovalRecord {
  executionId: string;
  stage: string;
  action: string;
  status: 'Approved' | 'Rejected';
  comment: string | null;
  by: string | null;
  at: string;
}

/** A full picture of one execution, as the scheduler and the summary need it. */
export interface ExecutionSnapshot {
  execution: ExecutionRecord;
  stages: StageRecord[];
  actions: ActionRecord[];
}
