/**
 * Execution rows: writing one (with its stages and actions), reading and listing them, their
 * status, stop mode and owner, and the locks that serialize writers of one execution or one
 * pipeline across servers sharing a PostgreSQL database.
 */
import { sql } from 'kysely';
import type { ExecutionStatus, StageError, StageStatus, Trigger } from '../../domain/execution.js';
import { MeridianError } from '../../domain/errors.js';
import type { ExecutionPosition } from '../../domain/execution-modes.js';
import type { Pipeline } from '../../domain/pipeline.js';
import type { ExecutionContext } from '../../domain/records.js';
import { insertStagesAndActions } from './action-records.js';
import type { Db } from './db.js';
import { toExecutionHead, type ExecutionHead, type Row } from './row-mappers.js';

/** Which executions a list holds, newest first. */
export interface ExecutionFilter {
  pipeline?: string;
  /** Only executions of this status. */
  status?: string;
  /** Only InProgress and Stopping ones. */
  unfinished?: boolean;
  limit?: number;
  /** Skip this many (with a limit). */
  offset?: number;
}

/** Every column but the definition and the context, which never change and are parsed once. */
export const LIGHT_EXECUTION_COLUMNS = ['seq', 'id', 'pipeline', 'status', 'trigger', 'started_at', 'ended_at', 'owner', 'stop_mode', 'error'] as const;

/** PostgreSQL: the execution's row is locked until the transaction ends. */
export async function lockExecutionRow(tx: Db, id: string): Promise<void> {
  await sql`select id from executions where id = ${id} for update`.execute(tx);
}

/** PostgreSQL: an advisory lock on the pipeline's name until the transaction ends. */
export async function lockPipelineName(tx: Db, pipeline: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`meridian:pipeline:${pipeline}`}))`.execute(tx);
}

export async function insertExecution(
  tx: Db,
  input: { id: string; pipeline: Pipeline; trigger: Trigger; context: ExecutionContext; at: string; owner: string },
  postgres: boolean,
): Promise<void> {
  const { id, pipeline, at } = input;
  if (postgres) await sql`select pg_advisory_xact_lock(hashtext('meridian:execution-seq'))`.execute(tx);
  const last = await tx
    .selectFrom('executions')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  await tx
    .insertInto('executions')
    .values({
      seq: Number(last?.seq ?? 0) + 1,
      id,
      pipeline: pipeline.name,
      status: 'InProgress',
      trigger: JSON.stringify(input.trigger),
      definition: JSON.stringify(pipeline),
      context: JSON.stringify(input.context),
      started_at: at,
      ended_at: null,
      owner: input.owner,
      stop_mode: null,
      error: null,
    })
    .execute();
  await insertStagesAndActions(tx, id, pipeline);
}

/** An execution's row; without its definition and context (left empty) when `light`. */
export async function executionRow(db: Db, id: string, light: boolean): Promise<Row<'executions'> | undefined> {
  return light
    ? await db
        .selectFrom('executions')
        .select(LIGHT_EXECUTION_COLUMNS)
        .where('id', '=', id)
        .executeTakeFirst()
        .then((r) => r && { ...r, definition: '', context: '' })
    : await db.selectFrom('executions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Accepts a full id or a unique prefix of at least 6 characters, as git does for commits. */
export async function resolveExecutionId(db: Db, idOrPrefix: string): Promise<string> {
  const exact = await db.selectFrom('executions').select('id').where('id', '=', idOrPrefix).executeTakeFirst();
  if (exact) return exact.id;
  if (idOrPrefix.length >= 6) {
    // A literal prefix: with LIKE, `%` and `_` in it would be wildcards.
    const rows = await db
      .selectFrom('executions')
      .select('id')
      .where((eb) => eb(eb.fn<string>('substr', ['id', eb.lit(1), eb.lit(idOrPrefix.length)]), '=', idOrPrefix))
      .limit(2)
      .execute();
    if (rows.length === 1 && rows[0]) return rows[0].id;
    if (rows.length > 1) throw new MeridianError('BAD_INPUT', `${idOrPrefix} matches several executions; give more characters`);
  }
  throw new MeridianError('NOT_FOUND', `execution ${idOrPrefix} does not exist; list executions with \`meridian executions\``);
}

/** The one query behind every list of executions: the filter, newest first. */
function executionList(db: Db, filter: ExecutionFilter) {
  let query = db.selectFrom('executions').orderBy('seq', 'desc');
  if (filter.pipeline !== undefined) query = query.where('pipeline', '=', filter.pipeline);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.unfinished) query = query.where('status', 'in', ['InProgress', 'Stopping']);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  if (filter.offset !== undefined) query = query.offset(filter.offset);
  return query;
}

/** Executions with every column (the engine's and the CLI's lists). */
export async function executionRows(db: Db, filter: ExecutionFilter): Promise<Array<Row<'executions'>>> {
  return executionList(db, filter).selectAll().execute();
}

/** Executions without their definition and context (the API's and the dashboard's list). */
export async function executionHeads(db: Db, filter: ExecutionFilter): Promise<ExecutionHead[]> {
  return (await executionList(db, filter).select(LIGHT_EXECUTION_COLUMNS).execute()).map(toExecutionHead);
}

/** The ids of a pipeline's newest executions, newest first. */
export async function recentExecutionIds(db: Db, pipeline: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('executions').select(['id', 'seq']).where('pipeline', '=', pipeline).orderBy('seq', 'desc').limit(limit).execute();
  return rows.map((row) => row.id);
}

/** How many executions there are of each status. */
export async function executionCountsByStatus(db: Db): Promise<Array<{ status: string; count: number }>> {
  const rows = await db
    .selectFrom('executions')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
}

/** The unfinished executions of a pipeline, oldest first, with their stage statuses. */
export async function positions(db: Db, pipeline: string): Promise<ExecutionPosition[]> {
  const rows = await db
    .selectFrom('executions')
    .innerJoin('stage_executions', 'stage_executions.execution_id', 'executions.id')
    .select([
      'executions.id',
      'executions.seq',
      'executions.status',
      'executions.owner',
      'stage_executions.stage_index',
      'stage_executions.status as stage_status',
    ])
    .where('executions.pipeline', '=', pipeline)
    .where('executions.status', 'in', ['InProgress', 'Stopping'])
    .orderBy('executions.seq')
    .orderBy('stage_executions.stage_index')
    .execute();
  const byId = new Map<string, ExecutionPosition>();
  for (const row of rows) {
    let position = byId.get(row.id);
    if (!position) {
      position = { id: row.id, seq: row.seq, status: row.status as ExecutionStatus, owner: row.owner, stages: [] };
      byId.set(row.id, position);
    }
    position.stages[row.stage_index] = row.stage_status as StageStatus;
  }
  return [...byId.values()];
}

/** A later execution of the pipeline that entered stage `stageIndex` (CodePipeline: the stage can no longer be retried). */
export async function laterEntrant(db: Db, pipeline: string, seq: number, stageIndex: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('executions')
    .innerJoin('stage_executions', 'stage_executions.execution_id', 'executions.id')
    .select('executions.id')
    .where('executions.pipeline', '=', pipeline)
    .where('executions.seq', '>', seq)
    .where('stage_executions.stage_index', '=', stageIndex)
    .where('stage_executions.status', 'not in', ['Pending', 'Skipped'])
    .orderBy('executions.seq', 'desc')
    .executeTakeFirst();
  return row?.id;
}

export async function setExecutionStatus(db: Db, id: string, status: ExecutionStatus, at: string, error: StageError | null): Promise<void> {
  const ended = status === 'InProgress' || status === 'Stopping' ? null : at;
  await db
    .updateTable('executions')
    .set({ status, ended_at: ended, error: error ? JSON.stringify(error) : null })
    .where('id', '=', id)
    .execute();
}

export async function setStopMode(db: Db, id: string, mode: 'wait' | 'abandon' | null): Promise<void> {
  await db.updateTable('executions').set({ stop_mode: mode }).where('id', '=', id).execute();
}

export async function setOwner(db: Db, id: string, owner: string | null): Promise<void> {
  await db.updateTable('executions').set({ owner }).where('id', '=', id).execute();
}
