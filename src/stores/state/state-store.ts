/**
 * The durable record of executions: one class over Kysely, so SQLite and PostgreSQL share it.
 * Every method that changes state writes an event in the same transaction, so the history
 * (`meridian show --events`) and the state never disagree.
 *
 * The statements live with their record family (execution-records, action-records,
 * event-records, job-records, artifact-records, approval-records; rows become records in
 * row-mappers); this class holds what is per process: the parsed-definition cache, the queued
 * regions each transaction announced, and whether the database is PostgreSQL.
 */
import type { Kysely, Transaction } from 'kysely';
import type { ExecutionStatus, StageError, StageStatus, Trigger } from '../../domain/execution.js';
import { MeridianError } from '../../domain/errors.js';
import type { ExecutionPosition } from '../../domain/execution-modes.js';
import type { Pipeline } from '../../domain/pipeline.js';
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
} from '../../domain/records.js';
import * as actions from './action-records.js';
import type { ActionEnd, ActionKey, ActionPatch } from './action-records.js';
import * as approvals from './approval-records.js';
import type { ApprovalRecording } from './approval-records.js';
import * as artifacts from './artifact-records.js';
import type { Db } from './db.js';
import * as events from './event-records.js';
import type { NewEvent } from './event-records.js';
import * as executions from './execution-records.js';
import type { ExecutionFilter } from './execution-records.js';
import * as jobs from './job-records.js';
import type { ClaimOptions, NewJob } from './job-records.js';
import { isPostgres } from './migrations/dialect.js';
import { toExecution, type ExecutionHead, type Row } from './row-mappers.js';
import type { Database } from './schema.js';

export type { Db } from './db.js';
export type { NewEvent } from './event-records.js';
export type { ClaimOptions, NewJob } from './job-records.js';
export type { ExecutionFilter } from './execution-records.js';
export type { ExecutionHead } from './row-mappers.js';

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
    if (this.postgres) await executions.lockExecutionRow(tx, id);
  }

  /** Serializes decisions about one pipeline's executions (stage locks, sequence numbers) across servers. */
  async lockPipeline(tx: Db, pipeline: string): Promise<void> {
    if (this.postgres) await executions.lockPipelineName(tx, pipeline);
  }

  async createExecution(
    tx: Db,
    input: { id: string; pipeline: Pipeline; trigger: Trigger; context: ExecutionContext; at: string; owner: string },
  ): Promise<void> {
    await executions.insertExecution(tx, input, this.postgres);
  }

  async getExecution(db: Db, id: string): Promise<ExecutionRecord> {
    // The definition and context never change: once parsed, leave their (large) text in the database.
    const row = await executions.executionRow(db, id, this.parsed.has(id));
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
  resolveExecutionId(db: Db, idOrPrefix: string): Promise<string> {
    return executions.resolveExecutionId(db, idOrPrefix);
  }

  async snapshot(db: Db, id: string): Promise<ExecutionSnapshot> {
    const execution = await this.getExecution(db, id);
    return { execution, ...(await actions.stagesAndActions(db, id)) };
  }

  async listExecutions(db: Db, filter: ExecutionFilter = {}): Promise<ExecutionRecord[]> {
    return (await executions.executionRows(db, filter)).map((row) => this.toExecution(row));
  }

  /** The same list as `listExecutions`, without each execution's definition and context. */
  listExecutionHeads(db: Db, filter: ExecutionFilter = {}): Promise<ExecutionHead[]> {
    return executions.executionHeads(db, filter);
  }

  /** The unfinished executions of a pipeline, oldest first, with their stage statuses. */
  positions(db: Db, pipeline: string): Promise<ExecutionPosition[]> {
    return executions.positions(db, pipeline);
  }

  /** A later execution of the pipeline that entered stage `stageIndex` (CodePipeline: the stage can no longer be retried). */
  laterEntrant(db: Db, pipeline: string, seq: number, stageIndex: number): Promise<string | undefined> {
    return executions.laterEntrant(db, pipeline, seq, stageIndex);
  }

  async setExecutionStatus(db: Db, id: string, status: ExecutionStatus, at: string, error: StageError | null = null): Promise<void> {
    await executions.setExecutionStatus(db, id, status, at, error);
  }

  async setStopMode(db: Db, id: string, mode: 'wait' | 'abandon' | null): Promise<void> {
    await executions.setStopMode(db, id, mode);
  }

  async setOwner(db: Db, id: string, owner: string | null): Promise<void> {
    await executions.setOwner(db, id, owner);
  }

  /** `error`: why a stage failed or stopped; every other status clears it. */
  async setStageStatus(db: Db, id: string, stageIndex: number, status: StageStatus, at: string, error: StageError | null = null): Promise<void> {
    await actions.setStageStatus(db, id, stageIndex, status, at, error);
  }

  async updateAction(db: Db, key: ActionKey, patch: ActionPatch): Promise<void> {
    await actions.updateAction(db, key, patch);
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
    await actions.startAttempts(db, executionId, stageIndex, starts, at, keepStart);
  }

  /**
   * Records the ends of several actions of one execution; actions that ended alike (same stage,
   * status, outputs, error and reports: a stage of no-ops) share one statement. Returns the
   * rows as they now are, in no particular order.
   */
  endActions(db: Db, executionId: string, ends: Array<{ stageIndex: number; actionIndex: number; end: ActionEnd }>): Promise<ActionRecord[]> {
    return actions.endActions(db, executionId, ends);
  }

  /** Actions of one stage that are running or waiting. */
  countRunning(db: Db, executionId: string, stageIndex: number): Promise<number> {
    return actions.countRunning(db, executionId, stageIndex);
  }

  /** The records of these actions of an execution, in stage and action order (one statement). */
  actionsAt(db: Db, executionId: string, keys: Array<{ stageIndex: number; actionIndex: number }>): Promise<ActionRecord[]> {
    return actions.actionsAt(db, executionId, keys);
  }

  getAction(db: Db, key: ActionKey): Promise<ActionRecord> {
    return actions.getAction(db, key);
  }

  /** Appends events in the order given, in as few statements as the database allows. */
  async appendEvents(db: Db, list: Array<NewEvent & { executionId: string; at: string }>): Promise<void> {
    await events.appendEvents(db, list);
  }

  events(db: Db, executionId: string, afterId = 0): Promise<EventRecord[]> {
    return events.events(db, executionId, afterId);
  }

  // Jobs: one attempt of one action, kept until an agent claims and finishes it.

  /** Queues jobs in as few statements as the database allows (a stage's 50 actions start in one). */
  async enqueueJobs(db: Db, list: NewJob[]): Promise<void> {
    if (list.length === 0) return;
    await jobs.insertJobs(
      db,
      list,
      async (job) => (await this.definition(db, job.executionId)).stages[job.stageIndex]?.actions[job.actionIndex]?.agentLabels ?? [],
    );
    // Other servers on the same database hear of it on commit (postgres/job-notifications).
    if (this.postgres) await jobs.announceQueuedJobs(db, new Set(list.map((job) => job.region)), this.announced);
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
  claimJobs(owner: string, options: ClaimOptions = {}): Promise<JobRecord[]> {
    return jobs.claimJobs(this.db, owner, options, this.postgres);
  }

  getJob(db: Db, id: string): Promise<JobRecord> {
    return jobs.getJob(db, id);
  }

  jobs(db: Db, executionId: string, status?: JobStatus): Promise<JobRecord[]> {
    return jobs.jobsOf(db, executionId, status);
  }

  /** Marks jobs done in one statement; returns the ids that were not done already (the others were late reports). */
  finishJobs(db: Db, ids: string[]): Promise<Set<string>> {
    return jobs.finishJobs(db, ids);
  }

  /** The jobs of these ids that exist, in one statement. */
  findJobs(db: Db, ids: string[]): Promise<JobRecord[]> {
    return jobs.findJobs(db, ids);
  }

  findJob(db: Db, id: string): Promise<JobRecord | undefined> {
    return jobs.findJob(db, id);
  }

  /** Extends a running job's lease; false when `owner` no longer holds it (it expired and was handed on, or the job ended). */
  renewLease(db: Db, id: string, owner: string, until: string): Promise<boolean> {
    return jobs.renewLease(db, id, owner, until);
  }

  /** Running jobs whose lease ended before `now`, oldest first. */
  expiredLeases(db: Db, now: string): Promise<JobRecord[]> {
    return jobs.expiredLeases(db, now);
  }

  /** Ends a job whose lease ran out, once: false when it was renewed or finished meanwhile (or another server took it). */
  expireLease(db: Db, id: string, now: string): Promise<boolean> {
    return jobs.expireLease(db, id, now);
  }

  // Artifacts and approvals.

  async recordArtifact(db: Db, artifact: ArtifactRecord): Promise<void> {
    await artifacts.recordArtifact(db, artifact);
  }

  artifacts(db: Db, executionId: string): Promise<ArtifactRecord[]> {
    return artifacts.artifacts(db, executionId);
  }

  /** Records the answer to the action's current wait unless it has one already: the first answer stands (`recorded` false, `standing` the first). */
  recordApproval(db: Db, approval: ApprovalRecord): Promise<ApprovalRecording> {
    return approvals.recordApproval(db, approval);
  }

  /** The first answer to an approval action given at or after `since` (the start of its wait): the one that stands. */
  findApproval(db: Db, key: { executionId: string; stage: string; action: string; since: string }): Promise<ApprovalRecord | undefined> {
    return approvals.findApproval(db, key);
  }
}
