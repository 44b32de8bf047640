/**
 * Execution, stage and action statuses. Statuses use CodePipeline's words (the execution
 * summary of `run --json`, docs/server.md); which status follows which is decided by nextStep
 * (domain/next-step.ts) and the engine's recorders, not by a table. `Pending` is an action or stage
 * that has not started yet, `Waiting` one that waits for a window or an approval.
 */
import { assertNever } from './errors.js';
import type { TestReport } from './test-report.js';

export type ExecutionStatus = 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Failed' | 'Superseded' | 'Cancelled';
export type StageStatus = 'Pending' | 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Failed' | 'Skipped' | 'Cancelled';
export type ActionStatus = 'Pending' | 'InProgress' | 'Waiting' | 'Succeeded' | 'Failed' | 'Abandoned' | 'Stopped' | 'Skipped';

export const TERMINAL_EXECUTION: ReadonlySet<ExecutionStatus> = new Set(['Stopped', 'Succeeded', 'Failed', 'Superseded', 'Cancelled']);
export const TERMINAL_ACTION: ReadonlySet<ActionStatus> = new Set(['Succeeded', 'Failed', 'Abandoned', 'Stopped', 'Skipped']);

/** What a trigger says about how an execution started. */
export interface Trigger {
  type: 'cli' | 'api' | 'webhook' | 'poll' | 'retry' | 'rollback';
  detail?: string;
}

export interface ActionError {
  code: string;
  message: string;
}

/**
 * Why a stage or an execution failed or stopped (docs/server.md), besides its actions' errors:
 * `code` is the failed action's (ACTION_FAILED, TIMEOUT...) or one of HEALTH_CHECK_FAILED,
 * CONDITION_FAILED, STOPPED, SUPERSEDED; `message` is one line that names what failed, where,
 * and what it said.
 */
export interface StageError extends ActionError {
  /** The regions it concerns: those whose actions or health checks failed. */
  regions?: string[];
  /** The rollback the failure started: what each region went back to. */
  rollback?: RolledBack[];
}

/** One region of a rollback: the execution (and release) it went back to; `execution` null: nothing to go back to there. */
export interface RolledBack {
  region: string;
  execution: string | null;
  /** The release re-activated there, for release actions. */
  release?: string;
  /** The rollback execution that runs it. */
  rollbackExecution?: string;
}

/** The execution summary: `run --json` and `GET /api/executions/{id}` (docs/server.md). */
export interface ExecutionSummary {
  executionId: string;
  pipeline: string;
  status: ExecutionStatus;
  startedAt: string;
  endedAt: string | null;
  trigger: Trigger;
  /** Why it failed, stopped or was superseded; null otherwise. */
  error: StageError | null;
  stages: Array<{
    name: string;
    status: StageStatus;
    /** Why it failed or stopped (a failed action, health check or condition, a stop); null otherwise. */
    error: StageError | null;
    actions: Array<{
      name: string;
      region: string;
      runOrder: number;
      status: ActionStatus;
      startedAt: string | null;
      endedAt: string | null;
      attempts: number;
      outputVariables: Record<string, string>;
      error: ActionError | null;
      /** Present when the action produced test reports (CodeBuild `reports:`). */
      reports?: TestReport[];
      /** Present while Waiting: why, and when its region's window opens (null: not within a year, or not a window). */
      waiting?: { reason: string; opensAt: string | null };
    }>;
  }>;
}

export function describeStatus(status: ActionStatus): string {
  switch (status) {
    case 'Pending':
      return 'not started';
    case 'InProgress':
      return 'running';
    case 'Waiting':
      return 'waiting';
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
      return 'failed';
    case 'Abandoned':
      return 'abandoned';
    case 'Stopped':
      return 'stopped';
    case 'Skipped':
      return 'did not run';
    default:
      return assertNever(status);
  }
}
