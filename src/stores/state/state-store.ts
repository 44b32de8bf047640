/**
 * The durable record of executions: one class over Kysely, so SQLite and PostgreSQL share it.
 * Every method that changes state writes an event in the same transaction, so the history
 * (`meridian show --events`) and the state never disagree.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { isPostgres } from './migrations/dialect.js';
import { JOBS_CHANNEL } from './postgres/job-notifications.js';
import type { ActionError, ActionStatus, ExecutionStatus, StageStatus, Trigger } from '../../domain/execution.js';
import { MeridianError } from '../../domain/errors.js';
import type { ExecutionPosition } from '../../domain/execution-modes.js';
import type { Pipeline } from '../../domain/pipeline.js';
import type { TestReport } from '../../domain/test-report.js';
import type {
  ActionRecord,
  ApprovalRecord,
  ArtifactRecord,
  EventRecord,
  ExecutionContext,
  ExecutionRecord,
  ExecutionSnapshot,
  JobRecord,
  JobStatus,
  StageRecord,
} from '../../domain/records.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database> | Transaction<Database>;

export interface NewEvent {
  type: string;
  stage?: string;
  action?: string;
  description: string;
  data?: Record<string, unknown>;
}

/** What an action's end writes. */
type EndedColumns = { status: string; ended_at: string | null; waiting_reason: null; output_variables: string; error: string | null; reports: string | null };

/** A job as the engine queues it. */
export type NewJob = Omit<JobRecord, 'status' | 'leaseOwner' | 'leaseExpiresAt'>;

export interface ClaimOptions {
  regions?: string[];
  exceptRegions?: string[];
  executionIds?: string[];
  /** The claimer's agent labels: a job that asks for one it lacks is left (default: none). */
  labels?: string[];
  /** At most this many jobs (default 1). */
  max?: number;
  leaseUntil?: string;
}

export class StateStore {
  /** An execution's definition and context never change once written: parse them once. */
  private readonly parsed = new Map<string, { definition: Pipeline; context: ExecutionContext }>();

  /** Transaction -> regions whose queued jobs it announced already. */
  private readonly announced = new WeakMap<Db, Set<string>>();

  /** PostgreSQL: several servers share the database, so writes take row and advisory locks. */
  readonly postgres: boolean;

  constructor(readonly db: Kysely<Database>) {
    this.postgres = isPostgres(db as Kysely<unknown>);
  }

  /** Runs `fn` in one transaction; every write inside commits or none does. */
  transaction<T>(fn: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /**
   * Serializes writers of one execution across servers (PostgreSQL: the execution's row is
   * locked until the transaction ends). SQLite has one writer at a time anyway.
   */
  async lockExecution(tx: Db, id: string): Promise<void> {
    if (this.postgres) await sql`select id from executions where id = ${id} for update`.execute(tx);
  }

  /** Serializes decisions about one pipeline's executions (stage locks, sequence numbers) across servers. */
  async lockPipeline(tx: Db, pipeline: string): Promise<void> {
    if (this.postgres) await sql`select pg_advisory_xact_lock(hashtext(${`meridian:pipeline:${pipeline}`}))`.execute(tx);
  }

  async createExecution(
    tx: Db,
    input: { id: string; pipeline: Pipeline; trigger: Trigger; context: ExecutionContext; at: string; owner: string },
  ): Promise<void> {
    const { id, pipeline, at } = input;
    if (this.postgres) await sql`select pg_advisory_xact_lock(hashtext('meridian:execution-seq'))`.execute(tx);
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
    const stageRows = pipeline.stages.map((stage, index) => ({
      execution_id: id,
      stage_index: index,
      name: stage.name,
      status: 'Pending',
      started_at: null,
      ended_at: null,
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

  async getExecution(db: Db, id: string): Promise<ExecutionRecord> {
    // The definition and context never change: once parsed, leave their (large) text in the database.
    const parsed = this.parsed.get(id);
    const row = parsed
      ? await db
          .selectFrom('executions')
          .select(LIGHT_EXECUTION_COLUMNS)
          .where('id', '=', id)
          .executeTakeFirst()
          .then((r) => r && { ...r, definition: '', context: '' })
      : await db.selectFrom('executions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) {
      throw new MeridianError('NOT_FOUND', `execution ${id} does not exist; list executions with \`meridian executions\``);
    }
    return this.toExecution(row);
  }

  /** An execution's definition: from memory once read (it never changes), else from its row. */
  async definition(db: Db, id: string): Promise<Pipeline> {
    return (await this.fixedParts(db, id)).definition;
  }

  /** What never changes about an execution, from memory once read. */
  async fixedParts(db: Db, id: string): Promise<Pick<ExecutionRecord, 'id' | 'pipeline' | 'definition' | 'context'>> {
    const parsed = this.parsed.get(id);
    if (parsed) return { id, pipeline: parsed.definition.name, ...parsed };
    const { pipeline, definition, context } = await this.getExecution(db, id);
    return { id, pipeline, definition, context };
  }

  private toExecution(row: Row<'executions'>): ExecutionRecord {
    let parsed = this.parsed.get(row.id);
    if (!parsed) {
      parsed = { definition: JSON.parse(row.definition) as Pipeline, context: JSON.parse(row.context) as ExecutionContext };
      this.parsed.set(row.id, parsed);
    }
    return toExecution(row, parsed);
  }

  /** Accepts a full id or a unique prefix of at least 6 characters, as git does for commits. */
  async resolveExecutionId(db: Db, idOrPrefix: string): Promise<string> {
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

  async snapshot(db: Db, id: string): Promise<ExecutionSnapshot> {
    const execution = await this.getExecution(db, id);
    const stages = await db.selectFrom('stage_executions').selectAll().where('execution_id', '=', id).orderBy('stage_index').execute();
    const actions = await db
      .selectFrom('action_executions')
      .selectAll()
      .where('execution_id', '=', id)
      .orderBy('stage_index')
      .orderBy('action_index')
      .execute();
    return { execution, stages: stages.map(toStage), actions: actions.map(toAction) };
  }

  async listExecutions(db: Db, filter: { pipeline?: string; limit?: number; unfinished?: boolean } = {}): Promise<ExecutionRecord[]> {
    let query = db.selectFrom('executions').selectAll().orderBy('seq', 'desc');
    if (filter.pipeline !== undefined) query = query.where('pipeline', '=', filter.pipeline);
    if (filter.unfinished) query = query.where('status', 'in', ['InProgress', 'Stopping']);
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return (await query.execute()).map((row) => this.toExecution(row));
  }

  /** The unfinished executions of a pipeline, oldest first, with their stage statuses. */
  async positions(db: Db, pipeline: string): Promise<ExecutionPosition[]> {
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
  async laterEntrant(db: Db, pipeline: string, seq: number, stageIndex: number): Promise<string | undefined> {
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

  async setExecutionStatus(db: Db, id: string, status: ExecutionStatus, at: string, error: ActionError | null = null): Promise<void> {
    const ended = status === 'InProgress' || status === 'Stopping' ? null : at;
    await db
      .updateTable('executions')
      .set({ status, ended_at: ended, error: error ? JSON.stringify(error) : null })
      .where('id', '=', id)
      .execute();
  }

  async setStopMode(db: Db, id: string, mode: 'wait' | 'abandon' | null): Promise<void> {
    await db.updateTable('executions').set({ stop_mode: mode }).where('id', '=', id).execute();
  }

  async setOwner(db: Db, id: string, owner: string | null): Promise<void> {
    await db.updateTable('executions').set({ owner }).where('id', '=', id).execute();
  }

  async setStageStatus(db: Db, id: string, stageIndex: number, status: StageStatus, at: string): Promise<void> {
    const patch: { status: string; started_at?: string; ended_at: string | null } = { status, ended_at: null };
    if (status === 'InProgress') patch.started_at = at;
    else if (status !== 'Pending' && status !== 'Stopping') patch.ended_at = at;
    await db.updateTable('stage_executions').set(patch).where('execution_id', '=', id).where('stage_index', '=', stageIndex).execute();
  }

  async updateAction(
    db: Db,
    key: { executionId: string; stageIndex: number; actionIndex: number },
    patch: Partial<
      Pick<ActionRecord, 'status' | 'attempts' | 'startedAt' | 'endedAt' | 'waitingReason' | 'waitingFor' | 'opensAt' | 'outputVariables' | 'error'> & {
        reports: TestReport[] | null;
      }
    >,
  ): Promise<void> {
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
  async startAttempts(
    db: Db,
    executionId: string,
    stageIndex: number,
    starts: Array<{ actionIndex: number; attempt: number }>,
    at: string,
    keepStart = false,
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
  async endActions(
    db: Db,
    executionId: string,
    ends: Array<{
      stageIndex: number;
      actionIndex: number;
      end: Pick<ActionRecord, 'status' | 'endedAt' | 'outputVariables' | 'error'> & { reports: TestReport[] | null };
    }>,
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
  async countRunning(db: Db, executionId: string, stageIndex: number): Promise<number> {
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
  async actionsAt(db: Db, executionId: string, keys: Array<{ stageIndex: number; actionIndex: number }>): Promise<ActionRecord[]> {
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

  async getAction(db: Db, key: { executionId: string; stageIndex: number; actionIndex: number }): Promise<ActionRecord> {
    const row = await db
      .selectFrom('action_executions')
      .selectAll()
      .where('execution_id', '=', key.executionId)
      .where('stage_index', '=', key.stageIndex)
      .where('action_index', '=', key.actionIndex)
      .executeTakeFirstOrThrow();
    return toAction(row);
  }

  /** Appends events in the order given, in as few statements as the database allows. */
  async appendEvents(db: Db, events: Array<NewEvent & { executionId: string; at: string }>): Promise<void> {
    const rows = events.map((event) => ({
      execution_id: event.executionId,
      at: event.at,
      type: event.type,
      stage: event.stage ?? null,
      action: event.action ?? null,
      description: event.description,
      data: event.data ? JSON.stringify(event.data) : null,
    }));
    // One multi-row insert numbers its rows in order (events.id); SQLite limits bound variables per statement.
    for (let i = 0; i < rows.length; i += 100)
      await db
        .insertInto('events')
        .values(rows.slice(i, i + 100))
        .execute();
  }

  async events(db: Db, executionId: string, afterId = 0): Promise<EventRecord[]> {
    const rows = await db.selectFrom('events').selectAll().where('execution_id', '=', executionId).where('id', '>', afterId).orderBy('id').execute();
    return rows.map((row) => ({
      id: row.id,
      executionId: row.execution_id,
      at: row.at,
      type: row.type,
      stage: row.stage,
      action: row.action,
      description: row.description,
      data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : null,
    }));
  }

  // Jobs: one attempt of one action, kept until an agent claims and finishes it.

  /** Queues jobs in as few statements as the database allows (a stage's 50 actions start in one). */
  async enqueueJobs(db: Db, jobs: NewJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const rows = jobs.map((job) => ({
      id: job.id,
      execution_id: job.executionId,
      stage_index: job.stageIndex,
      action_index: job.actionIndex,
      attempt: job.attempt,
      region: job.region,
      status: 'queued',
      lease_owner: null,
      lease_expires_at: null,
      created_at: job.createdAt,
    }));
    // SQLite limits bound variables per statement; insert in slices.
    for (let i = 0; i < rows.length; i += 50)
      await db
        .insertInto('jobs')
        .values(rows.slice(i, i + 50))
        .execute();
    const labels: Array<{ job_id: string; label: string }> = [];
    for (const job of jobs) {
      const asked = (await this.definition(db, job.executionId)).stages[job.stageIndex]?.actions[job.actionIndex]?.agentLabels ?? [];
      for (const label of asked) labels.push({ job_id: job.id, label });
    }
    for (let i = 0; i < labels.length; i += 200)
      await db
        .insertInto('job_labels')
        .values(labels.slice(i, i + 200))
        .execute();
    // Other servers on the same database hear of it on commit (postgres/job-notifications);
    // once per transaction and region is enough (PostgreSQL folds the repeats anyway).
    if (!this.postgres) return;
    for (const region of new Set(jobs.map((job) => job.region))) {
      if (db.isTransaction) {
        const announced = this.announced.get(db) ?? new Set<string>();
        if (announced.has(region)) continue;
        announced.add(region);
        this.announced.set(db, announced);
      }
      await sql`select pg_notify(${JOBS_CHANNEL}, ${region})`.execute(db);
    }
  }

  /** Claims the oldest queued job for `owner` (see `claimJobs`). */
  async claimJob(owner: string, options: Omit<ClaimOptions, 'max'> = {}): Promise<JobRecord | undefined> {
    return (await this.claimJobs(owner, { ...options, max: 1 }))[0];
  }

  /**
   * Claims up to `max` of the oldest queued jobs (of one of `regions`, when given; of none of
   * `exceptRegions`) for `owner`, with a lease until `leaseUntil` that its holder renews
   * (`renewLease`). One statement, so one round trip: on PostgreSQL, servers claiming at once
   * each skip the rows another has locked; SQLite has one writer at a time.
   */
  async claimJobs(owner: string, options: ClaimOptions = {}): Promise<JobRecord[]> {
    const max = options.max ?? 1;
    if (max < 1) return [];
    const leaseUntil = options.leaseUntil ?? null;
    const rows = await this.db
      // MATERIALIZED: the picked rows are chosen (and locked) once, never re-evaluated per row updated.
      .with(
        (cte) => cte('picked').materialized(),
        (db) => {
          let query = db.selectFrom('jobs').select('id as picked_id').where('status', '=', 'queued').orderBy('created_at').orderBy('id').limit(max);
          if (options.regions) query = query.where('region', 'in', options.regions);
          if (options.exceptRegions && options.exceptRegions.length > 0) query = query.where('region', 'not in', options.exceptRegions);
          if (options.executionIds) query = query.where('execution_id', 'in', options.executionIds);
          // Only jobs that ask for no label the claimer lacks.
          const labels = options.labels ?? [];
          query = query.where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('job_labels')
                  .select('job_labels.label')
                  .whereRef('job_labels.job_id', '=', 'jobs.id')
                  .$if(labels.length > 0, (q) => q.where('job_labels.label', 'not in', labels)),
              ),
            ),
          );
          return this.postgres ? query.forUpdate().skipLocked() : query;
        },
      )
      .updateTable('jobs')
      .from('picked')
      .set({ status: 'running', lease_owner: owner, lease_expires_at: leaseUntil })
      .whereRef('jobs.id', '=', 'picked.picked_id')
      .where('jobs.status', '=', 'queued')
      // Unqualified: SQLite's RETURNING names only the updated table's columns.
      .returningAll()
      .execute();
    return rows.map(toJob).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async getJob(db: Db, id: string): Promise<JobRecord> {
    const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return toJob(row);
  }

  async jobs(db: Db, executionId: string, status?: JobStatus): Promise<JobRecord[]> {
    let query = db.selectFrom('jobs').selectAll().where('execution_id', '=', executionId).orderBy('created_at');
    if (status) query = query.where('status', '=', status);
    return (await query.execute()).map(toJob);
  }

  /** Marks jobs done in one statement; returns the ids that were not done already (the others were late reports). */
  async finishJobs(db: Db, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await db.updateTable('jobs').set({ status: 'done' }).where('id', 'in', ids).where('status', '<>', 'done').returning('id').execute();
    return new Set(rows.map((row) => row.id));
  }

  /** The jobs of these ids that exist, in one statement. */
  async findJobs(db: Db, ids: string[]): Promise<JobRecord[]> {
    if (ids.length === 0) return [];
    return (await db.selectFrom('jobs').selectAll().where('id', 'in', ids).execute()).map(toJob);
  }

  async findJob(db: Db, id: string): Promise<JobRecord | undefined> {
    const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  /** Extends a running job's lease; false when `owner` no longer holds it (it expired and was handed on, or the job ended). */
  async renewLease(db: Db, id: string, owner: string, until: string): Promise<boolean> {
    const renewed = await db
      .updateTable('jobs')
      .set({ lease_expires_at: until })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(renewed.numUpdatedRows) === 1;
  }

  /** Running jobs whose lease ended before `now`, oldest first. */
  async expiredLeases(db: Db, now: string): Promise<JobRecord[]> {
    const rows = await db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'running')
      .where('lease_expires_at', 'is not', null)
      .where('lease_expires_at', '<', now)
      .orderBy('lease_expires_at')
      .execute();
    return rows.map(toJob);
  }

  /** Ends a job whose lease ran out, once: false when it was renewed or finished meanwhile (or another server took it). */
  async expireLease(db: Db, id: string, now: string): Promise<boolean> {
    const expired = await db
      .updateTable('jobs')
      .set({ status: 'done' })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_expires_at', '<', now)
      .executeTakeFirst();
    return Number(expired.numUpdatedRows) === 1;
  }

  // Artifacts and approvals.

  async recordArtifact(db: Db, artifact: ArtifactRecord): Promise<void> {
    await db.deleteFrom('artifacts').where('execution_id', '=', artifact.executionId).where('name', '=', artifact.name).execute();
    await db
      .insertInto('artifacts')
      .values({
        execution_id: artifact.executionId,
        name: artifact.name,
        digest: artifact.digest,
        size: artifact.size,
        region: artifact.region,
        produced_by: artifact.producedBy,
      })
      .execute();
  }

  async artifacts(db: Db, executionId: string): Promise<ArtifactRecord[]> {
    const rows = await db.selectFrom('artifacts').selectAll().where('execution_id', '=', executionId).execute();
    return rows.map((row) => ({
      executionId: row.execution_id,
      name: row.name,
      digest: row.digest,
      size: row.size,
      region: row.region,
      producedBy: row.produced_by,
    }));
  }

  async recordApproval(db: Db, approval: ApprovalRecord): Promise<void> {
    await db
      .insertInto('approvals')
      .values({
        execution_id: approval.executionId,
        stage: approval.stage,
        action: approval.action,
        status: approval.status,
        comment: approval.comment,
        by: approval.by,
        at: approval.at,
      })
      .execute();
  }

  /** The newest answer to an approval action given at or after `since`. */
  async findApproval(db: Db, key: { executionId: string; stage: string; action: string; since: string }): Promise<ApprovalRecord | undefined> {
    const row = await db
      .selectFrom('approvals')
      .selectAll()
      .where('execution_id', '=', key.executionId)
      .where('stage', '=', key.stage)
      .where('action', '=', key.action)
      .where('at', '>=', key.since)
      .orderBy('at', 'desc')
      .executeTakeFirst();
    if (!row) return undefined;
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
}

type Row<T extends keyof Database> = Database[T];

const LIGHT_EXECUTION_COLUMNS = ['seq', 'id', 'pipeline', 'status', 'trigger', 'started_at', 'ended_at', 'owner', 'stop_mode', 'error'] as const;

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toExecution(row: Row<'executions'>, parsed: { definition: Pipeline; context: ExecutionContext }): ExecutionRecord {
  return {
    id: row.id,
    pipeline: row.pipeline,
    status: row.status as ExecutionStatus,
    trigger: JSON.parse(row.trigger) as Trigger,
    definition: parsed.definition,
    context: parsed.context,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    owner: row.owner,
    stopMode: row.stop_mode as ExecutionRecord['stopMode'],
    error: parseJson<ActionError>(row.error),
    seq: row.seq,
  };
}

function toStage(row: Row<'stage_executions'>): StageRecord {
  return {
    executionId: row.execution_id,
    index: row.stage_index,
    name: row.name,
    status: row.status as StageStatus,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

function toAction(row: Row<'action_executions'>): ActionRecord {
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

function toJob(row: Row<'jobs'>): JobRecord {
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
