/**
 * Moves executions forward. The engine decides (domain/next-step), persists each decision with
 * its event in one transaction, and hands actions to agents as jobs in the store. It never
 * calls a provider: agents claim the jobs and report outcomes through `completeJob`.
 */
import { randomUUID } from 'node:crypto';
import type { ActionError, Trigger } from '../domain/execution.js';
import { MeridianError } from '../domain/errors.js';
import { stageGate } from '../domain/execution-modes.js';
import { nextStep, type Step } from '../domain/next-step.js';
import { stepInput } from './step-input.js';
import type { Action, Pipeline } from '../domain/pipeline.js';
import type { Clock } from '../lib/clock.js';
import { isOwnerAlive } from '../lib/process-owner.js';
import type { ExecutionContext, ExecutionSnapshot, JobRecord } from '../domain/records.js';
import type { Db, NewEvent, StateStore } from '../stores/state/state-store.js';
import type { EngineEvent, EngineListener } from './engine-events.js';
import { RolloutWaves, type RollbackAsker } from './rollout-waves.js';
import { manualRollbackRequest, type ManualRollback } from './manual-rollback.js';
import { startRollback } from './rollback-executions.js';
import type { RuleCommandRunner } from '../domain/condition-rules.js';
import { StageConditions } from './stage-conditions.js';
import { describeStart, stageOrder, WindowWaits } from './window-waits.js';
import { haltDeploys, liftHalt, type HaltDeps, type HaltRequest, type HaltResult } from './halts.js';
import { mayRunInLanes } from '../domain/region-lanes.js';
import { takeBackJob, takeExecution } from '../stores/state/takeover-records.js';
import type { JobOutcome } from '../domain/jobs/job-outcome.js';
import { recordWindowOverride } from '../stores/state/window-records.js';

export interface EngineDeps {
  store: StateStore;
  clock: Clock;
  /** Identifies this process as the driver of the executions it starts or resumes. */
  owner: string;
  /** Called after jobs were queued, so an in-process agent can claim them at once. */
  onJobsQueued?: () => void;
  /** Errors of background work (waking executions that waited for a stage). */
  onError?: (error: Error) => void;
  /** Runs the shell commands of Commands condition rules; without it those rules fail. */
  ruleCommands?: RuleCommandRunner;
}

export class Engine {
  private readonly listeners = new Set<EngineListener>();
  /** Pipelines where a stage may have been unlocked by the last write. */
  private readonly unlocked = new Set<string>();
  /** Execution id -> why it last waited in front of a stage, so the event is recorded once. */
  private readonly waitingReasons = new Map<string, string>();

  /** Actions waiting for their region's deployment window. */
  private readonly windows: WindowWaits;
  /** V2 stage conditions: BeforeEntry, OnSuccess, OnFailure. */
  private readonly conditions: StageConditions;
  /** Waves of a rollout: regions wave after wave, with bake time. */
  private readonly waves: RolloutWaves;
  /** Forward execution -> the rollback executions its last transaction created, to advance once it committed. */
  private readonly rollbacksCreated = new Map<string, string[]>();

  constructor(private readonly deps: EngineDeps) {
    this.windows = new WindowWaits({ store: deps.store, clock: deps.clock });
    const requestRollback: RollbackAsker = async (tx, request, record) => {
      const created = await startRollback(tx, { store: deps.store, owner: deps.owner, at: this.now() }, request, record);
      this.rollbacksCreated.set(request.executionId, [...(this.rollbacksCreated.get(request.executionId) ?? []), ...created]);
    };
    const commands = deps.ruleCommands ? { ruleCommands: deps.ruleCommands } : {};
    this.waves = new RolloutWaves({ store: deps.store, clock: deps.clock, windows: this.windows, requestRollback, ...commands });
    this.conditions = new StageConditions({ store: deps.store, clock: deps.clock, windows: this.windows, requestRollback, ...commands });
  }

  /** The earliest instant (on the engine's clock) a window wait of these executions may end: runners set their timers by it. */
  nextWindowWake(executionIds?: Iterable<string>): Date | null {
    return this.windows.nextWake(executionIds);
  }

  get store(): StateStore {
    return this.deps.store;
  }

  onEvent(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Creates an execution and takes its first steps. `alsoInTransaction` writes something that
   * must commit with the execution or not at all (a webhook delivery, for deduplication).
   */
  async start(
    pipeline: Pipeline,
    trigger: Trigger,
    context: ExecutionContext,
    alsoInTransaction?: (tx: Db, executionId: string) => Promise<void>,
  ): Promise<string> {
    const id = randomUUID();
    await this.write(id, async (tx, record) => {
      await alsoInTransaction?.(tx, id);
      await this.deps.store.createExecution(tx, { id, pipeline, trigger, context, at: this.now(), owner: this.deps.owner });
      await record({ type: 'execution-started', description: `Execution ${id} of ${pipeline.name} started (${describeTrigger(trigger)})` });
    });
    await this.advance(id);
    return id;
  }

  /** Records an execution that could not start (e.g. a parameter is missing) as Failed. */
  async startFailed(
    pipeline: Pipeline,
    trigger: Trigger,
    context: ExecutionContext,
    error: ActionError,
    alsoInTransaction?: (tx: Db, executionId: string) => Promise<void>,
  ): Promise<string> {
    const id = randomUUID();
    await this.write(id, async (tx, record) => {
      await alsoInTransaction?.(tx, id);
      const at = this.now();
      await this.deps.store.createExecution(tx, { id, pipeline, trigger, context, at, owner: this.deps.owner });
      await record({ type: 'execution-started', description: `Execution ${id} of ${pipeline.name} started (${describeTrigger(trigger)})` });
      await this.skipPending(tx, id, at);
      await this.deps.store.setExecutionStatus(tx, id, 'Failed', at, error);
      await record({ type: 'execution-finished', description: `Execution failed before any action ran: ${error.message}`, data: { status: 'Failed' } });
    });
    return id;
  }

  /** Applies steps until the execution waits for running actions or has ended. */
  async advance(executionId: string): Promise<void> {
    await this.conditions.prepare(executionId);
    await this.waves.prepare(executionId);
    const queued = await this.write(executionId, (tx, record) => this.advanceIn(tx, executionId, record));
    if (queued) this.deps.onJobsQueued?.();
    await this.advanceRollbacks(executionId);
  }

  /** The steps of `advance` inside a transaction the caller holds; true when jobs were queued. */
  private async advanceIn(tx: Db, executionId: string, record: (event: NewEvent) => Promise<void>): Promise<boolean> {
    let queued = false;
    this.windows.forget(executionId);
    for (;;) {
      const snapshot = await this.deps.store.snapshot(tx, executionId);
      if (await this.windows.wake(tx, snapshot, record, (t, key, region, attempt, at) => this.queueAttempt(t, key, region, attempt, at))) {
        queued = true;
        continue;
      }
      const decided = this.waves.decide(snapshot, nextStep(stepInput(snapshot)));
      await this.waves.flush(snapshot, record);
      if (decided.kind === 'bake') {
        await this.waves.announce(snapshot, decided, record);
        return queued;
      }
      if (decided.kind === 'failed') {
        await this.waves.fail(tx, snapshot, decided, record);
        continue;
      }
      const next = decided.step;
      if (next.kind === 'wait' || next.kind === 'done') return queued;
      if (next.kind === 'start-stage') {
        const gate = await this.gate(tx, snapshot, next.stageIndex, record);
        if (gate === 'wait') return queued;
        if (gate === 'superseded') continue;
        const entry = await this.conditions.beforeEntry(tx, snapshot, next.stageIndex, record);
        if (entry === 'wait') return queued;
        if (entry === 'decided') continue;
      }
      if (next.kind === 'finish-stage') {
        const exit = await this.conditions.afterStage(tx, snapshot, next.stageIndex, next.status, record);
        if (exit === 'wait') return queued;
        if (exit === 'decided') continue;
      }
      if (next.kind === 'start-actions') queued = true;
      await this.apply(tx, snapshot, next, record);
    }
  }

  /** An agent reports the end of one job. Late reports for a job already settled are ignored. */
  async completeJob(job: JobRecord, outcome: JobOutcome): Promise<void> {
    await this.completeJobs([{ job, outcome }]);
  }

  /**
   * Several jobs of one execution that ended at about the same time (agent/report-queue.ts):
   * recorded in one transaction, so the execution is locked once for all of them.
   */
  async completeJobs(reports: Array<{ job: JobRecord; outcome: JobOutcome }>): Promise<void> {
    const executionId = reports[0]?.job.executionId;
    if (executionId === undefined) return;
    const queued = await this.write(executionId, async (tx, record) => {
      const stages = new Set<number>();
      for (const { job } of await this.recordOutcomes(tx, executionId, reports, record)) stages.add(job.stageIndex);
      // While others of its stage still run, nothing can change (nextStep would say `wait`):
      // skip reading the whole execution once per finished action.
      // (In a rollout stage each region moves on by itself, so it may.)
      const definition = await this.deps.store.definition(tx, executionId);
      for (const stageIndex of stages) {
        // (Nor in region lanes: each lane moves on by itself.)
        const stage = definition.stages[stageIndex];
        if ((stage !== undefined && mayRunInLanes(definition, stage)) || (await this.deps.store.countRunning(tx, executionId, stageIndex)) === 0)
          return this.advanceIn(tx, executionId, record);
      }
      return false;
    });
    if (queued) this.deps.onJobsQueued?.();
    await this.advanceRollbacks(executionId);
  }

  /** Jobs' ends, in the caller's transaction, in a few statements; returns the reports recorded (late reports of jobs already settled are left out). */
  private async recordOutcomes(
    tx: Db,
    executionId: string,
    reports: Array<{ job: JobRecord; outcome: JobOutcome }>,
    record: Recorder,
  ): Promise<Array<{ job: JobRecord; outcome: JobOutcome }>> {
    const { store } = this.deps;
    const finished = await store.finishJobs(
      tx,
      reports.map(({ job }) => job.id),
    );
    const settled = reports.filter(({ job }) => finished.has(job.id));
    const at = this.now();
    const ended = await store.endActions(
      tx,
      executionId,
      settled.map(({ job, outcome }) => ({
        stageIndex: job.stageIndex,
        actionIndex: job.actionIndex,
        end: {
          status: outcome.status,
          endedAt: at,
          outputVariables: outcome.outputVariables ?? {},
          error: outcome.error ?? null,
          reports: outcome.reports ?? null,
        },
      })),
    );
    const actions = new Map(ended.map((action) => [`${action.stageIndex}/${action.actionIndex}`, action]));
    for (const { job, outcome } of settled) {
      const action = actions.get(`${job.stageIndex}/${job.actionIndex}`);
      if (!action) throw new MeridianError('INTERNAL', `job ${job.id} names an action that is not in execution ${job.executionId}`);
      const took = action.startedAt ? ` in ${formatDuration(Date.parse(at) - Date.parse(action.startedAt))}` : '';
      const why = outcome.error ? `: ${outcome.error.message}` : outcome.summary ? ` (${outcome.summary})` : '';
      await record({
        type: 'action-finished',
        stage: action.stage,
        action: action.name,
        description: `${action.name} (${action.region}) ${outcome.status.toLowerCase()}${took}${why}`,
        data: { status: outcome.status, region: action.region, attempt: job.attempt },
      });
    }
    return settled;
  }

  /** RollbackStage: an operator rolls a stage back (manual-rollback.ts); resolves with the rollback executions. */
  async rollbackStage(ask: ManualRollback): Promise<string[]> {
    const request = await manualRollbackRequest(this.deps.store, ask);
    const created = await this.write(request.executionId, (tx, record) =>
      startRollback(tx, { store: this.deps.store, owner: this.deps.owner, at: this.now() }, request, record),
    );
    for (const id of created) await this.advance(id);
    return created;
  }

  /** Takes the first steps of the rollback executions an execution's last transaction created. */
  private async advanceRollbacks(executionId: string): Promise<void> {
    const created = this.rollbacksCreated.get(executionId);
    if (created === undefined) return;
    this.rollbacksCreated.delete(executionId);
    for (const id of created) await this.advance(id);
  }

  async setWaiting(job: Pick<JobRecord, 'executionId' | 'stageIndex' | 'actionIndex'>, reason: string): Promise<void> {
    await this.write(job.executionId, async (tx, record) => {
      const key = { executionId: job.executionId, stageIndex: job.stageIndex, actionIndex: job.actionIndex };
      const action = await this.deps.store.getAction(tx, key);
      await this.deps.store.updateAction(tx, key, { status: 'Waiting', waitingReason: reason });
      await record({
        type: 'action-waiting',
        stage: action.stage,
        action: action.name,
        description: `${action.name} is waiting: ${reason}`,
        data: { status: 'Waiting', region: action.region },
      });
    });
  }

  /**
   * Re-queues an interrupted job (provider safe to repeat) or fails its action. False (and
   * nothing changed) when the job is no longer as `job` says: it ended, or its lease was
   * renewed or taken by someone else meanwhile.
   */
  async recoverJob(job: JobRecord, repeatable: boolean): Promise<boolean> {
    const recovered = await this.write(job.executionId, async (tx, record) => {
      if (!(await takeBackJob(tx, job))) return false;
      const key = { executionId: job.executionId, stageIndex: job.stageIndex, actionIndex: job.actionIndex };
      const action = await this.deps.store.getAction(tx, key);
      const at = this.now();
      if (repeatable) {
        await this.queueAttempt(tx, key, action.region, action.attempts + 1, at, true);
        await record({
          type: 'action-requeued',
          stage: action.stage,
          action: action.name,
          description: `${action.name} was interrupted; running it again (attempt ${action.attempts + 1})`,
          data: { status: 'InProgress', region: action.region },
        });
      } else {
        const error = {
          code: 'INTERRUPTED',
          message: `interrupted while running and not safe to repeat; retry the stage with \`meridian retry ${job.executionId}\``,
        };
        await this.deps.store.updateAction(tx, key, { status: 'Failed', endedAt: at, error, waitingReason: null });
        await record({
          type: 'action-finished',
          stage: action.stage,
          action: action.name,
          description: `${action.name} failed: ${error.message}`,
          data: { status: 'Failed', region: action.region },
        });
      }
      return true;
    });
    if (recovered) await this.advance(job.executionId);
    return recovered;
  }

  /**
   * A job whose agent stopped renewing its lease before `now` (it died, or lost the server):
   * it runs again when its provider is safe to repeat, else its action fails with "agent
   * lost". False when the lease was renewed, or the job reported, in the meantime.
   */
  async loseJob(job: JobRecord, repeatable: boolean, now: string): Promise<boolean> {
    const lost = await this.write(job.executionId, async (tx, record) => {
      if (!(await this.deps.store.expireLease(tx, job.id, now))) return false;
      const key = { executionId: job.executionId, stageIndex: job.stageIndex, actionIndex: job.actionIndex };
      const action = await this.deps.store.getAction(tx, key);
      const agent = job.leaseOwner ?? 'unknown';
      await record({
        type: 'lease-expired',
        stage: action.stage,
        action: action.name,
        description: `${action.name} (${action.region}): agent ${agent} stopped renewing its lease (attempt ${job.attempt})`,
        data: { region: action.region, agent, attempt: job.attempt },
      });
      if (repeatable) {
        await this.queueAttempt(tx, key, action.region, action.attempts + 1, this.now(), true);
        await record({
          type: 'action-requeued',
          stage: action.stage,
          action: action.name,
          description: `${action.name} lost its agent; running it again (attempt ${action.attempts + 1})`,
          data: { status: 'InProgress', region: action.region },
        });
      } else {
        const error = {
          code: 'INTERRUPTED',
          message: `agent lost: ${agent} stopped renewing its lease while running ${action.name}, which is not safe to repeat; retry the stage with \`meridian retry ${job.executionId}\``,
        };
        await this.deps.store.updateAction(tx, key, { status: 'Failed', endedAt: this.now(), error, waitingReason: null });
        await record({
          type: 'action-finished',
          stage: action.stage,
          action: action.name,
          description: `${action.name} failed: ${error.message}`,
          data: { status: 'Failed', region: action.region },
        });
      }
      return true;
    });
    if (lost) await this.advance(job.executionId);
    return lost;
  }

  /** PutApprovalResult: answers a waiting manual approval once; the approval provider picks it up. */
  async answerApproval(
    executionId: string,
    actionName: string,
    answer: { status: 'Approved' | 'Rejected'; comment: string | null; by: string; stage?: string },
  ): Promise<void> {
    await this.write(executionId, async (tx, record) => {
      const snapshot = await this.deps.store.snapshot(tx, executionId);
      const matches = snapshot.actions.filter((a) => a.name === actionName && (answer.stage === undefined || a.stage === answer.stage));
      const action = matches[0];
      if (!action) {
        const approvals = snapshot.actions
          .filter((a) => snapshot.execution.definition.stages[a.stageIndex]?.actions[a.actionIndex]?.type.category === 'Approval')
          .map((a) => a.name);
        throw new MeridianError('NOT_FOUND', `execution ${executionId} has no action ${actionName}; its approval actions: ${approvals.join(', ') || 'none'}`);
      }
      if (matches.length > 1) throw new MeridianError('BAD_INPUT', `several stages have an action ${actionName}; pass --stage`);
      const declared = snapshot.execution.definition.stages[action.stageIndex]?.actions[action.actionIndex];
      if (declared?.type.category !== 'Approval') {
        throw new MeridianError(
          'BAD_INPUT',
          `${actionName} is a ${declared ? `${declared.type.category}/${declared.type.provider}` : 'unknown'} action, not a manual approval`,
        );
      }
      if (action.status !== 'Waiting' && action.status !== 'InProgress') {
        throw new MeridianError('CONFLICT', `${actionName} is ${action.status}, not waiting for approval; an approval can be answered once, while it waits`);
      }
      const at = this.now();
      await this.deps.store.recordApproval(tx, {
        executionId,
        stage: action.stage,
        action: action.name,
        status: answer.status,
        comment: answer.comment,
        by: answer.by,
        at,
      });
      const verb = answer.status === 'Approved' ? 'approved' : 'rejected';
      await record({
        type: 'approval',
        stage: action.stage,
        action: action.name,
        description: `${action.name} ${verb} by ${answer.by}${answer.comment ? `: ${answer.comment}` : ''}`,
        data: { status: answer.status, by: answer.by, comment: answer.comment },
      });
    });
  }

  /**
   * An operator lets an execution deploy to a region outside its window: its actions waiting
   * for that window start at the next advance (by whichever process drives the execution), and
   * later ones of that region do not wait. Who, when and why are recorded as an event.
   * Returns the actions that were waiting.
   */
  async overrideWindow(executionId: string, region: string, by: string, reason: string): Promise<string[]> {
    return this.write(executionId, async (tx, record) => {
      const snapshot = await this.deps.store.snapshot(tx, executionId);
      const { execution } = snapshot;
      if (execution.status !== 'InProgress')
        throw new MeridianError('CONFLICT', `execution ${executionId} is ${execution.status}; a window can be overridden only while it is in progress`);
      const regions = execution.definition.regions.map((r) => r.name);
      if (!regions.includes(region))
        throw new MeridianError('NOT_FOUND', `pipeline ${execution.pipeline} has no region ${region}; its regions: ${regions.join(', ')}`);
      const waiting = snapshot.actions.filter((a) => a.region === region && a.status === 'Waiting' && a.waitingFor === 'window').map((a) => a.name);
      const at = this.now();
      await recordWindowOverride(tx, { executionId, region, by, reason, at });
      const what = waiting.length > 0 ? `starts ${waiting.join(', ')}` : 'no action waits yet; later ones will not';
      await record({
        type: 'window-override',
        description: `Window of ${region} overridden by ${by} (${what}): ${reason}`,
        data: { region, by, reason, at, actions: waiting },
      });
      return waiting;
    });
  }

  /** An emergency halt of deploy steps in a region, or everywhere (halts.ts): CONFLICT while one of that scope is active. */
  halt(request: HaltRequest): Promise<HaltResult> {
    return haltDeploys(this.haltDeps(), request);
  }

  /** Lifts the active halt of a region, or of everywhere (halts.ts): NOT_FOUND when there is none. */
  liftHalt(request: Omit<HaltRequest, 'knownRegions'>): Promise<HaltResult> {
    return liftHalt(this.haltDeps(), request);
  }

  private haltDeps(): HaltDeps {
    const { store, clock, owner, onError } = this.deps;
    return { store, clock, owner, write: (id, fn) => this.write(id, fn), advance: (id) => this.advance(id), ...(onError ? { onError } : {}) };
  }

  /**
   * Makes this process the execution's driver. With `from`, only while the execution is still
   * owned by `from` (false otherwise): of several servers adopting at once, one does.
   */
  async takeOwnership(executionId: string, from?: string | null): Promise<boolean> {
    return this.write(executionId, async (tx, record) => {
      if (from === undefined) await this.deps.store.setOwner(tx, executionId, this.deps.owner);
      else if (!(await takeExecution(tx, executionId, from, this.deps.owner))) return false;
      await record({ type: 'execution-resumed', description: `Execution resumed by ${this.deps.owner}` });
      return true;
    });
  }

  async releaseOwnership(executionId: string): Promise<void> {
    await this.deps.store.setOwner(this.deps.store.db, executionId, null);
  }

  /** Stop and wait (running actions finish) or stop and abandon (running actions are abandoned). */
  async requestStop(executionId: string, abandon: boolean, reason?: string): Promise<void> {
    await this.write(executionId, async (tx, record) => {
      const execution = await this.deps.store.getExecution(tx, executionId);
      if (execution.status !== 'InProgress' && execution.status !== 'Stopping') {
        throw new MeridianError('CONFLICT', `execution ${executionId} is ${execution.status}; only an execution in progress can be stopped`);
      }
      if (execution.status === 'Stopping' && !abandon) {
        throw new MeridianError('CONFLICT', `execution ${executionId} is already stopping; pass --abandon to abandon its running actions`);
      }
      await this.deps.store.setExecutionStatus(tx, executionId, 'Stopping', this.now());
      await this.deps.store.setStopMode(tx, executionId, abandon ? 'abandon' : 'wait');
      const how = abandon ? 'stop and abandon' : 'stop and wait';
      await record({ type: 'execution-stopping', description: `Stop requested (${how})${reason ? `: ${reason}` : ''}`, data: { status: 'Stopping' } });
    });
  }

  /** Abandons the running actions of an execution whose driver is gone (no agent will report). */
  async abandonOrphans(executionId: string): Promise<void> {
    const jobs = await this.deps.store.jobs(this.deps.store.db, executionId, 'running');
    for (const job of jobs) {
      await this.completeJob(job, { status: 'Abandoned', error: { code: 'INTERRUPTED', message: 'abandoned by a stop request' } });
    }
    await this.advance(executionId);
  }

  /** RetryStageExecution: re-runs the failed stage of a Failed or Stopped execution, same id. */
  async retry(executionId: string, options: { stage?: string; mode: 'failed' | 'all' }): Promise<string> {
    const stageName = await this.write(executionId, async (tx, record) => {
      const snapshot = await this.deps.store.snapshot(tx, executionId);
      const { execution } = snapshot;
      if (execution.status !== 'Failed' && execution.status !== 'Stopped') {
        throw new MeridianError('CONFLICT', `execution ${executionId} is ${execution.status}; only a Failed or Stopped execution can be retried`);
      }
      const stage = options.stage
        ? snapshot.stages.find((s) => s.name === options.stage)
        : snapshot.stages.find((s) => s.status === 'Failed' || s.status === 'Stopped');
      if (!stage) {
        const names = snapshot.stages.map((s) => `${s.name} (${s.status})`).join(', ');
        throw new MeridianError('BAD_INPUT', options.stage ? `no stage ${options.stage}; stages: ${names}` : `no failed stage to retry; stages: ${names}`);
      }
      if (stage.status !== 'Failed' && stage.status !== 'Stopped') {
        throw new MeridianError('CONFLICT', `stage ${stage.name} is ${stage.status}; only a Failed or Stopped stage can be retried`);
      }
      if (execution.definition.executionMode !== 'PARALLEL') {
        const later = await this.deps.store.laterEntrant(tx, execution.pipeline, execution.seq, stage.index);
        if (later !== undefined) {
          throw new MeridianError(
            'CONFLICT',
            `execution ${later} entered stage ${stage.name} after this one, so this execution can no longer be retried there (${execution.definition.executionMode}); start a new execution instead`,
          );
        }
      }
      const at = this.now();
      for (const action of snapshot.actions) {
        const key = { executionId, stageIndex: action.stageIndex, actionIndex: action.actionIndex };
        const inStage = action.stageIndex === stage.index;
        const reset = inStage ? options.mode === 'all' || action.status !== 'Succeeded' : action.stageIndex > stage.index;
        if (reset) await this.deps.store.updateAction(tx, key, { status: 'Pending', endedAt: null, error: null, waitingReason: null });
      }
      for (const later of snapshot.stages.filter((s) => s.index > stage.index)) {
        await this.deps.store.setStageStatus(tx, executionId, later.index, 'Pending', at);
      }
      await this.deps.store.setStageStatus(tx, executionId, stage.index, 'InProgress', at);
      await this.deps.store.setExecutionStatus(tx, executionId, 'InProgress', at);
      await this.deps.store.setStopMode(tx, executionId, null);
      await this.deps.store.setOwner(tx, executionId, this.deps.owner);
      await record({
        type: 'stage-retried',
        stage: stage.name,
        description: `Stage ${stage.name} retried (${options.mode === 'all' ? 'ALL_ACTIONS' : 'FAILED_ACTIONS'})`,
        data: { status: 'InProgress' },
      });
      return stage.name;
    });
    await this.advance(executionId);
    return stageName;
  }

  /**
   * The execution mode's say on entering a stage (domain/execution-modes). Executions whose
   * process is gone hold no lock and are not superseded until someone resumes them.
   */
  private async gate(tx: Db, snapshot: ExecutionSnapshot, stageIndex: number, record: Recorder): Promise<'enter' | 'wait' | 'superseded'> {
    const { execution } = snapshot;
    const mode = execution.definition.executionMode;
    if (mode === 'PARALLEL') return 'enter';
    await this.deps.store.lockPipeline(tx, execution.pipeline);
    const positions = (await this.deps.store.positions(tx, execution.pipeline)).filter((p) => p.id === execution.id || isOwnerAlive(p.owner));
    const decision = stageGate(mode, stageIndex, execution, positions);
    const stage = snapshot.stages[stageIndex]?.name ?? String(stageIndex);
    if (decision.kind === 'superseded') {
      await this.supersede(tx, execution.id, decision.by, stage, record);
      return 'superseded';
    }
    for (const older of decision.supersede) await this.supersede(tx, older, execution.id, stage, record);
    if (decision.kind === 'wait') {
      if (this.waitingReasons.get(execution.id) !== decision.reason) {
        this.waitingReasons.set(execution.id, decision.reason);
        await record({
          type: 'stage-waiting',
          stage,
          description: `Waiting to enter stage ${stage}: ${decision.reason} (${mode})`,
          data: { reason: decision.reason, lockedBy: decision.lockedBy ?? null },
        });
      }
      return 'wait';
    }
    this.waitingReasons.delete(execution.id);
    return 'enter';
  }

  /** Ends an execution waiting in front of a stage because a more recent one reached it. */
  private async supersede(tx: Db, executionId: string, by: string, stage: string, record: Recorder): Promise<void> {
    const at = this.now();
    await this.skipPending(tx, executionId, at);
    await this.deps.store.setExecutionStatus(tx, executionId, 'Superseded', at);
    await this.deps.store.setOwner(tx, executionId, null);
    this.waitingReasons.delete(executionId);
    const execution = await this.deps.store.getExecution(tx, executionId);
    this.unlocked.add(execution.pipeline);
    await record(
      { type: 'execution-finished', description: `Execution superseded by ${by}, which reached stage ${stage} after it`, data: { status: 'Superseded', by } },
      executionId,
    );
  }

  /** After a stage was left or an execution ended: executions of the pipeline waiting in front of a stage try again. */
  private wakeWaiting(): void {
    if (this.unlocked.size === 0) return;
    const pipelines = [...this.unlocked];
    this.unlocked.clear();
    void (async () => {
      for (const pipeline of pipelines) {
        const positions = await this.deps.store.positions(this.deps.store.db, pipeline);
        for (const position of positions) {
          if (position.owner === this.deps.owner && this.waitingReasons.has(position.id)) await this.advance(position.id);
        }
      }
    })().catch((error: unknown) => this.deps.onError?.(error instanceof Error ? error : new Error(String(error))));
  }

  private async apply(tx: Db, snapshot: ExecutionSnapshot, step: Step, record: Recorder): Promise<void> {
    const { store } = this.deps;
    const { execution } = snapshot;
    const at = this.now();
    switch (step.kind) {
      case 'wait':
      case 'done':
        return;
      case 'start-stage': {
        const stage = snapshot.stages[step.stageIndex];
        const definition = execution.definition.stages[step.stageIndex];
        const lanes = definition !== undefined && mayRunInLanes(execution.definition, definition) ? stageOrder(snapshot, step.stageIndex) : undefined;
        await store.setStageStatus(tx, execution.id, step.stageIndex, 'InProgress', at);
        await record({
          type: 'stage-started',
          stage: stage?.name,
          description: `Stage ${stage?.name} started${lanes ? `; ${lanes.order === 'stage' ? 'runOrder is stage-wide' : 'region lanes'}: ${lanes.why}` : ''}`,
          data: { status: 'InProgress', ...(lanes ? { lanes: lanes.order } : {}) },
        });
        return;
      }
      case 'release-held': {
        for (const actionIndex of step.actionIndexes) {
          const action = snapshot.actions.find((a) => a.stageIndex === step.stageIndex && a.actionIndex === actionIndex);
          if (action === undefined) continue;
          await store.updateAction(
            tx,
            { executionId: execution.id, stageIndex: step.stageIndex, actionIndex },
            { status: 'Pending', waitingReason: null, waitingFor: null, opensAt: null },
          );
          await record({
            type: 'action-released',
            stage: action.stage,
            action: action.name,
            description: `${action.name} (${action.region}) will not start: ${step.because} in this stage`,
            data: { status: 'Pending', region: action.region },
          });
        }
        return;
      }
      case 'start-actions': {
        const stage = execution.definition.stages[step.stageIndex];
        const starts: Array<{ actionIndex: number; region: string; attempt: number }> = [];
        for (const actionIndex of step.actionIndexes) {
          const action = stage?.actions[actionIndex];
          if (!action || !stage) throw new MeridianError('INTERNAL', `action ${step.stageIndex}/${actionIndex} is not in the definition`);
          const key = { executionId: execution.id, stageIndex: step.stageIndex, actionIndex };
          const window = await this.windows.judge(tx, snapshot, step.stageIndex, actionIndex);
          if (window.kind === 'wait') {
            await this.windows.hold(tx, snapshot, key, window, record);
            continue;
          }
          const current = snapshot.actions.find((a) => a.stageIndex === step.stageIndex && a.actionIndex === actionIndex);
          starts.push({ actionIndex, region: action.region, attempt: (current?.attempts ?? 0) + 1 });
          const windowNote = window.override !== undefined || window.closesAt !== null ? `: ${describeStart(window)}` : '';
          await record({
            type: 'action-started',
            stage: stage.name,
            action: action.name,
            description: `${action.name} (${action.region}) started${describeWave(action)}${windowNote}`,
            data: { status: 'InProgress', region: action.region, runOrder: action.runOrder },
          });
        }
        await this.queueAttempts(tx, execution.id, step.stageIndex, starts, at);
        return;
      }
      case 'finish-stage': {
        this.unlocked.add(execution.pipeline);
        const stage = snapshot.stages[step.stageIndex];
        await store.setStageStatus(tx, execution.id, step.stageIndex, step.status, at);
        await record({
          type: 'stage-finished',
          stage: stage?.name,
          description: `Stage ${stage?.name} ${step.status.toLowerCase()}`,
          data: { status: step.status },
        });
        return;
      }
      case 'finish-execution': {
        this.unlocked.add(execution.pipeline);
        this.waitingReasons.delete(execution.id);
        await this.skipPending(tx, execution.id, at);
        await store.setExecutionStatus(tx, execution.id, step.status, at, step.error);
        await store.setOwner(tx, execution.id, null);
        const why = step.error ? `: ${step.error.message}` : '';
        await record({ type: 'execution-finished', description: `Execution ${step.status.toLowerCase()}${why}`, data: { status: step.status } });
        return;
      }
    }
  }

  /** `handedOn`: the attempt continues a run interrupted by a lost agent or process (its start stays: an approval waits on from it). */
  private async queueAttempt(
    tx: Db,
    key: { executionId: string; stageIndex: number; actionIndex: number },
    region: string,
    attempt: number,
    at: string,
    handedOn = false,
  ): Promise<void> {
    await this.queueAttempts(tx, key.executionId, key.stageIndex, [{ actionIndex: key.actionIndex, region, attempt }], at, handedOn);
  }

  /** Starts attempts of actions of one stage and queues their jobs: a few statements for the whole stage. */
  private async queueAttempts(
    tx: Db,
    executionId: string,
    stageIndex: number,
    starts: Array<{ actionIndex: number; region: string; attempt: number }>,
    at: string,
    handedOn = false,
  ): Promise<void> {
    if (starts.length === 0) return;
    await this.deps.store.startAttempts(tx, executionId, stageIndex, starts, at, handedOn);
    await this.deps.store.enqueueJobs(
      tx,
      starts.map(({ actionIndex, region, attempt }) => ({ id: randomUUID(), executionId, stageIndex, actionIndex, attempt, region, createdAt: at })),
    );
  }

  /** Actions that never started in an execution that has ended are reported as Skipped. */
  private async skipPending(tx: Db, executionId: string, at: string): Promise<void> {
    const snapshot = await this.deps.store.snapshot(tx, executionId);
    for (const action of snapshot.actions.filter((a) => a.status === 'Pending')) {
      await this.deps.store.updateAction(tx, { executionId, stageIndex: action.stageIndex, actionIndex: action.actionIndex }, { status: 'Skipped' });
    }
    for (const stage of snapshot.stages.filter((s) => s.status === 'Pending')) {
      await this.deps.store.setStageStatus(tx, executionId, stage.index, 'Skipped', at);
    }
  }

  /** Runs `fn` in a transaction; the events it records reach listeners only after commit. */
  private async write<T>(executionId: string, fn: (tx: Db, record: Recorder) => Promise<T>): Promise<T> {
    const pending: EngineEvent[] = [];
    const before = this.rollbacksCreated.get(executionId);
    const result = await this.deps.store
      .transaction(async (tx) => {
        await this.deps.store.lockExecution(tx, executionId);
        // Events are kept until the transaction's work is done, then written together (in
        // order, before the commit): a stage of 50 actions writes its 50 starts in one statement.
        const unwritten: Array<NewEvent & { executionId: string; at: string }> = [];
        const record = (event: NewEvent, about = executionId): Promise<void> => {
          const at = this.now();
          unwritten.push({ ...event, executionId: about, at });
          pending.push({
            executionId: about,
            at,
            type: event.type,
            stage: event.stage ?? null,
            action: event.action ?? null,
            description: event.description,
            data: event.data ?? null,
          });
          return Promise.resolve();
        };
        const done = await fn(tx, record);
        await this.deps.store.appendEvents(tx, unwritten);
        return done;
      })
      .catch((error: unknown) => {
        // Rollback executions created in a transaction that did not commit do not exist.
        if (before === undefined) this.rollbacksCreated.delete(executionId);
        else this.rollbacksCreated.set(executionId, before);
        throw error;
      });
    for (const event of pending) for (const listener of this.listeners) listener(event);
    this.wakeWaiting();
    return result;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

/** Records an event about the execution being written, or about another one (`about`). */
type Recorder = (event: NewEvent, about?: string) => Promise<void>;

function describeTrigger(trigger: Trigger): string {
  return trigger.detail ? `${trigger.type}: ${trigger.detail}` : trigger.type;
}

function describeWave(action: Action): string {
  return action.runOrder === 1 ? '' : ` (runOrder ${action.runOrder})`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms % 60_000) / 1000)}s`;
}
