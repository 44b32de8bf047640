/**
 * Stage and action rows of executions: written with the execution, then each status change,
 * attempt and end, and the reads the engine and the views make of them.
 */
import type { ActionError, StageError, StageStatus } from '../../domain/execution.js';
import type { Pipeline } from '../../domain/pipeline.js';
import type { ActionRecord, StageRecord } from '../../domain/records.js';
import type { TestReport } from '../../domain/test-report.js';
import type { Db } from './db.js';
import { parseJson, toAction, toStage } from './row-mappers.js';

/** What an action's end writes. */
type EndedColumns = { status: string; ended_at: string | null; waiting_reason: null; output_variables: string; error: string | null; reports: string | null };

export type ActionKey = { executionId: string; stageIndex: number; actionIndex: number };

export type ActionPatch = Partial<
  Pick<ActionRecord, 'status' | 'attempts' | 'startedAt' | 'endedAt' | 'waitingReason' | 'waitingFor' | 'opensAt' | 'outputVariables' | 'error'> & {
    reports: TestReport[] | null;
  }
>;

export type ActionEnd = Pick<ActionRecord, 'status' | 'endedAt' | 'outputVariables' | 'error'> & { reports: TestReport[] | null };

/** The Pending stages and actions of a new execution. */
export async function insertStagesAndActions(tx: Db, id: string, pipeline: Pipeline): Promise<void> {
  const stageRows = pipeline.stages.map((stage, index) => ({
    execution_id: id,
    stage_index: index,
    name: stage.name,
    status: 'Pending',
    started_at: null,
    ended_at: null,
    error: null,
  }));
  if (stageRows.length > 0) await tx.insertInto('stage_executions').values(stageRows).execute();
  const actionRows = pipeline.stages.flatMap((stage, stageIndex) =>
    stage.actions.map((action, actionIndex) => ({
      execution_id: id,
      stage_index: stageIndex,
      action_index: actionIndex,
      stage: stage.name,
      name: action.name,
      region: action.region,
      run_order: action.runOrder,
      status: 'Pending',
      attempts: 0,
      started_at: null,
      ended_at: null,
      waiting_reason: null,
      waiting_for: null,
      opens_at: null,
      output_variables: '{}',
      error: null,
      reports: null,
    })),
  );
  // SQLite limits bound variables per statement; insert in slices.
  for (let i = 0; i < actionRows.length; i += 50) {
    await tx
      .insertInto('action_executions')
      .values(actionRows.slice(i, i + 50))
      .execute();
  }
}

/** An execution's stages in order, and its actions in stage and action order. */
export async function stagesAndActions(db: Db, id: string): Promise<{ stages: StageRecord[]; actions: ActionRecord[] }> {
  const stages = await db.selectFrom('stage_executions').selectAll().where('execution_id', '=', id).orderBy('stage_index').execute();
  const actions = await db.selectFrom('action_executions').selectAll().where('execution_id', '=', id).orderBy('stage_index').orderBy('action_index').execute();
  return { stages: stages.map(toStage), actions: actions.map(toAction) };
}

/** A stage's status; its error is `error` (a stage that starts again or succeeds has none). */
export async function setStageStatus(db: Db, id: string, stageIndex: number, status: StageStatus, at: string, error: StageError | null): Promise<void> {
  const patch: { status: string; started_at?: string; ended_at: string | null; error: string | null } = {
    status,
    ended_at: null,
    error: error === null ? null : JSON.stringify(error),
  };
  if (status === 'InProgress') patch.started_at = at;
  else if (status !== 'Pending' && status !== 'Stopping') patch.ended_at = at;
  await db.updateTable('stage_executions').set(patch).where('execution_id', '=', id).where('stage_index', '=', stageIndex).execute();
}

export async function updateAction(db: Db, key: ActionKey, patch: ActionPatch): Promise<void> {
  const set: Record<string, unknown> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.attempts !== undefined) set.attempts = patch.attempts;
  if (patch.startedAt !== undefined) set.started_at = patch.startedAt;
  if (patch.endedAt !== undefined) set.ended_at = patch.endedAt;
  if (patch.waitingReason !== undefined) set.waiting_reason = patch.waitingReason;
  if (patch.waitingFor !== undefined) set.waiting_for = patch.waitingFor;
  if (patch.opensAt !== undefined) set.opens_at = patch.opensAt;
  if (patch.outputVariables !== undefined) set.output_variables = JSON.stringify(patch.outputVariables);
  if (patch.error !== undefined) set.error = patch.error ? JSON.stringify(patch.error) : null;
  if (patch.reports !== undefined) set.reports = patch.reports ? JSON.stringify(patch.reports) : null;
  await db
    .updateTable('action_executions')
    .set(set)
    .where('execution_id', '=', key.executionId)
    .where('stage_index', '=', key.stageIndex)
    .where('action_index', '=', key.actionIndex)
    .execute();
}

/**
 * Marks actions of one stage InProgress for a new attempt each: one statement per attempt
 * number. `keepStart`: the attempt goes on with the run already under way (a job handed on
 * after its agent was lost), so the action keeps the time it started.
 */
export async function startAttempts(
  db: Db,
  executionId: string,
  stageIndex: number,
  starts: Array<{ actionIndex: number; attempt: number }>,
  at: string,
  keepStart: boolean,
): Promise<void> {
  const byAttempt = new Map<number, number[]>();
  for (const { actionIndex, attempt } of starts) byAttempt.set(attempt, [...(byAttempt.get(attempt) ?? []), actionIndex]);
  for (const [attempt, actionIndexes] of byAttempt) {
    await db
      .updateTable('action_executions')
      .set({ status: 'InProgress', attempts: attempt, ...(keepStart ? {} : { started_at: at }), ended_at: null, error: null, waiting_reason: null })
      .where('execution_id', '=', executionId)
      .where('stage_index', '=', stageIndex)
      .where('action_index', 'in', actionIndexes)
      .execute();
  }
}

/**
 * Records the ends of several actions of one execution; actions that ended alike (same stage,
 * status, outputs, error and reports: a stage of no-ops) share one statement. Returns the
 * rows as they now are, in no particular order.
 */
export async function endActions(
  db: Db,
  executionId: string,
  ends: Array<{ stageIndex: number; actionIndex: number; end: ActionEnd }>,
): Promise<ActionRecord[]> {
  const alike = new Map<string, { stageIndex: number; set: EndedColumns; actionIndexes: number[] }>();
  for (const { stageIndex, actionIndex, end } of ends) {
    const set: EndedColumns = {
      status: end.status,
      ended_at: end.endedAt,
      waiting_reason: null,
      output_variables: JSON.stringify(end.outputVariables),
      error: end.error ? JSON.stringify(end.error) : null,
      reports: end.reports ? JSON.stringify(end.reports) : null,
    };
    const key = JSON.stringify([stageIndex, set]);
    const group = alike.get(key) ?? { stageIndex, set, actionIndexes: [] as number[] };
    group.actionIndexes.push(actionIndex);
    alike.set(key, group);
  }
  const ended: ActionRecord[] = [];
  for (const { stageIndex, set, actionIndexes } of alike.values()) {
    const rows = await db
      .updateTable('action_executions')
      .set(set)
      .where('execution_id', '=', executionId)
      .where('stage_index', '=', stageIndex)
      .where('action_index', 'in', actionIndexes)
      .returningAll()
      .execute();
    ended.push(...rows.map(toAction));
  }
  return ended;
}

/** Actions of one stage that are running or waiting. */
export async function countRunning(db: Db, executionId: string, stageIndex: number): Promise<number> {
  const row = await db
    .selectFrom('action_executions')
    .select((eb) => eb.fn.countAll<number>().as('running'))
    .where('execution_id', '=', executionId)
    .where('stage_index', '=', stageIndex)
    .where('status', 'in', ['InProgress', 'Waiting'])
    .executeTakeFirstOrThrow();
  return Number(row.running);
}

/** The records of these actions of an execution, in stage and action order (one statement). */
export async function actionsAt(db: Db, executionId: string, keys: Array<{ stageIndex: number; actionIndex: number }>): Promise<ActionRecord[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('action_executions')
    .selectAll()
    .where('execution_id', '=', executionId)
    .where((eb) => eb.or(keys.map((key) => eb.and([eb('stage_index', '=', key.stageIndex), eb('action_index', '=', key.actionIndex)]))))
    .orderBy('stage_index')
    .orderBy('action_index')
    .execute();
  return rows.map(toAction);
}

export async function getAction(db: Db, key: ActionKey): Promise<ActionRecord> {
  const row = await db
    .selectFrom('action_executions')
    .selectAll()
    .where('execution_id', '=', key.executionId)
    .where('stage_index', '=', key.stageIndex)
    .where('action_index', '=', key.actionIndex)
    .executeTakeFirstOrThrow();
  return toAction(row);
}

/** How the named actions of one region went in each of these executions (the releases view). */
export async function regionActionOutcomes(
  db: Db,
  key: { executionIds: string[]; region: string; actions: string[] },
): Promise<Array<{ executionId: string; name: string; status: string; endedAt: string | null; error: ActionError | null }>> {
  const rows = await db
    .selectFrom('action_executions')
    .select(['execution_id', 'name', 'status', 'ended_at', 'error'])
    .where('execution_id', 'in', key.executionIds)
    .where('region', '=', key.region)
    .where('name', 'in', key.actions)
    .execute();
  return rows.map((row) => ({
    executionId: row.execution_id,
    name: row.name,
    status: row.status,
    endedAt: row.ended_at,
    error: parseJson<ActionError>(row.error),
  }));
}

/** The output variables of each action of one stage of an execution. */
export async function stageOutputVariables(db: Db, executionId: string, stageIndex: number): Promise<Array<Record<string, string>>> {
  const rows = await db
    .selectFrom('action_executions')
    .select('output_variables')
    .where('execution_id', '=', executionId)
    .where('stage_index', '=', stageIndex)
    .execute();
  return rows.map((row) => JSON.parse(row.output_variables) as Record<string, string>);
}
