/** Rows of the state database as the records of src/domain/records.ts: JSON columns parsed, names camel-cased. */
import type { Selectable } from 'kysely';
import type { ActionError, ActionStatus, ExecutionStatus, StageError, StageStatus, Trigger } from '../../domain/execution.js';
import type { Pipeline } from '../../domain/pipeline.js';
import type { TestReport } from '../../domain/test-report.js';
import type {
  ActionRecord,
  ApprovalRecord,
  ArtifactRecord,
  EventRecord,
  ExecutionContext,
  ExecutionRecord,
  JobRecord,
  JobStatus,
  StageRecord,
} from '../../domain/records.js';
import type { Database } from './schema.js';

export type Row<T extends keyof Database> = Selectable<Database[T]>;

/** An execution without its (large) definition and context. */
export type ExecutionHead = Omit<ExecutionRecord, 'definition' | 'context'>;

export function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function toExecution(row: Row<'executions'>, parsed: { definition: Pipeline; context: ExecutionContext }): ExecutionRecord {
  const { id, pipeline, status, trigger, ...rest } = toExecutionHead(row);
  return { id, pipeline, status, trigger, definition: parsed.definition, context: parsed.context, ...rest };
}

export function toExecutionHead(row: Omit<Row<'executions'>, 'definition' | 'context'>): ExecutionHead {
  return {
    id: row.id,
    pipeline: row.pipeline,
    status: row.status as ExecutionStatus,
    trigger: JSON.parse(row.trigger) as Trigger,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    owner: row.owner,
    stopMode: row.stop_mode as ExecutionRecord['stopMode'],
    error: parseJson<StageError>(row.error),
    seq: row.seq,
  };
}

export function toStage(row: Row<'stage_executions'>): StageRecord {
  return {
    executionId: row.execution_id,
    index: row.stage_index,
    name: row.name,
    status: row.status as StageStatus,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: parseJson<StageError>(row.error),
  };
}

export function toAction(row: Row<'action_executions'>): ActionRecord {
  return {
    executionId: row.execution_id,
    stageIndex: row.stage_index,
    actionIndex: row.action_index,
    stage: row.stage,
    name: row.name,
    region: row.region,
    runOrder: row.run_order,
    status: row.status as ActionStatus,
    attempts: row.attempts,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    waitingReason: row.waiting_reason,
    waitingFor: row.waiting_for === 'window' || row.waiting_for === 'halt' ? row.waiting_for : null,
    opensAt: row.opens_at,
    outputVariables: JSON.parse(row.output_variables) as Record<string, string>,
    error: parseJson<ActionError>(row.error),
    reports: parseJson<TestReport[]>(row.reports) ?? [],
  };
}

export function toJob(row: Row<'jobs'>): JobRecord {
  return {
    id: row.id,
    executionId: row.execution_id,
    stageIndex: row.stage_index,
    actionIndex: row.action_index,
    attempt: row.attempt,
    region: row.region,
    status: row.status as JobStatus,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    createdAt: row.created_at,
  };
}

export function toEvent(row: Row<'events'>): EventRecord {
  return {
    id: row.id,
    executionId: row.execution_id,
    at: row.at,
    type: row.type,
    stage: row.stage,
    action: row.action,
    description: row.description,
    data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : null,
  };
}

export function toArtifact(row: Row<'artifacts'>): ArtifactRecord {
  return {
    executionId: row.execution_id,
    name: row.name,
    digest: row.digest,
    size: row.size,
    region: row.region,
    producedBy: row.produced_by,
  };
}

export function toApproval(row: Row<'approvals'>): ApprovalRecord {
  return {
    executionId: row.execution_id,
    stage: row.stage,
    action: row.action,
    status: row.status as ApprovalRecord['status'],
    comment: row.comment,
    by: row.by,
    at: row.at,
  };
}
