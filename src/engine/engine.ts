/**
 * Moves executions forward. The engine decides (domain/next-step), persists each decision with
 * its event in one transaction, and hands actions to agents as jobs in the store. It never
 * calls a provider: agents claim the jobs and report outcomes through `completeJob`.
 *
 * The Engine is the door the CLI, the server and the dispatch use; it wires the systems that
 * do the work, each in its own file:
 * - execution-writes.ts: the transactional write, events to listeners after commit;
 * - execution-starts.ts: creating an execution (or recording one that could not start);
 * - execution-advance.ts: taking steps until an execution waits, with step-application.ts,
 *   stage-gates.ts (execution modes), stage-conditions.ts, rollout-waves.ts, window-waits.ts;
 * - job-queue.ts, job-reports.ts, interrupted-jobs.ts: jobs queued, reported, lost;
 * - rollback-follow-ups.ts: rollbacks started automatically or by an operator;
 * - approval-answers.ts, window-overrides.ts, halts.ts, execution-stops.ts, stage-retries.ts,
 *   execution-ownership.ts: what operators and other processes ask of an execution.
 */
import type { ActionError, Trigger } from '../domain/execution.js';
import type { JobOutcome } from '../domain/jobs/job-outcome.js';
import type { RuleCommandRunner } from '../domain/condition-rules.js';
import type { Pipeline } from '../domain/pipeline.js';
import type { ExecutionContext, JobRecord } from '../domain/records.js';
import type { Clock } from '../lib/clock.js';
import type { Db, StateStore } from '../stores/state/state-store.js';
import { answerApproval, type ApprovalAnswer } from './approval-answers.js';
import type { EngineCore } from './engine-core.js';
import type { EngineListener } from './engine-events.js';
import { ExecutionAdvance } from './execution-advance.js';
import { adopt } from './execution-ownership.js';
import { beginExecution, failExecutionAtStart } from './execution-starts.js';
import { requestStop } from './execution-stops.js';
import { ExecutionWrites } from './execution-writes.js';
import { haltDeploys, liftHalt, type HaltDeps, type HaltRequest, type HaltResult } from './halts.js';
import { InterruptedJobs } from './interrupted-jobs.js';
import { JobQueue } from './job-queue.js';
import { JobReports } from './job-reports.js';
import type { ManualRollback } from './manual-rollback.js';
import { RollbackFollowUps } from './rollback-follow-ups.js';
import { RolloutWaves } from './rollout-waves.js';
import { StageConditions } from './stage-conditions.js';
import { StageGates } from './stage-gates.js';
import { retryStage, type RetryOptions } from './stage-retries.js';
import { StepApplication } from './step-application.js';
import { overrideWindow } from './window-overrides.js';
import { WindowWaits } from './window-waits.js';

export { formatDuration } from './job-reports.js';

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
  /** What every system shares: store, clock, owner, the write and the advance. */
  private readonly core: EngineCore;
  private readonly writes: ExecutionWrites;
  /** Actions waiting for their region's deployment window. */
  private readonly windows: WindowWaits;
  private readonly rollbacks: RollbackFollowUps;
  private readonly advancing: ExecutionAdvance;
  private readonly reports: JobReports;
  private readonly interrupted: InterruptedJobs;

  constructor(private readonly deps: EngineDeps) {
    const { store, clock, owner, ruleCommands } = deps;
    // Read at each call, as the callbacks of `deps` are.
    const onError = (error: Error): void => this.deps.onError?.(error);
    const onJobsQueued = (): void => this.deps.onJobsQueued?.();
    this.core = { store, clock, owner, write: (id, fn) => this.writes.write(id, fn), advance: (id) => this.advance(id) };
    const core = this.core;
    this.rollbacks = new RollbackFollowUps(core);
    const gates = new StageGates({ ...core, onError });
    this.writes = new ExecutionWrites({
      store,
      clock,
      hooks: { begin: (id) => this.rollbacks.begin(id), committed: () => gates.wakeWaiting() },
    });
    this.windows = new WindowWaits({ store, clock });
    const commands = ruleCommands ? { ruleCommands } : {};
    const conditionDeps = { store, clock, windows: this.windows, requestRollback: this.rollbacks.asker, ...commands };
    const jobs = new JobQueue(store);
    this.advancing = new ExecutionAdvance({
      core,
      windows: this.windows,
      waves: new RolloutWaves(conditionDeps),
      conditions: new StageConditions(conditionDeps),
      gates,
      steps: new StepApplication({ core, windows: this.windows, gates, jobs }),
      jobs,
      rollbacks: this.rollbacks,
      onJobsQueued,
    });
    this.reports = new JobReports({ core, advance: this.advancing });
    this.interrupted = new InterruptedJobs({ core, jobs });
  }

  /** The earliest instant (on the engine's clock) a window wait of these executions may end: runners set their timers by it. */
  nextWindowWake(executionIds?: Iterable<string>): Date | null {
    return this.windows.nextWake(executionIds);
  }

  get store(): StateStore {
    return this.deps.store;
  }

  onEvent(listener: EngineListener): () => void {
    return this.writes.onEvent(listener);
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
    return beginExecution(this.core, { pipeline, trigger, context, alsoInTransaction });
  }

  /** Records an execution that could not start (e.g. a parameter is missing) as Failed. */
  async startFailed(
    pipeline: Pipeline,
    trigger: Trigger,
    context: ExecutionContext,
    error: ActionError,
    alsoInTransaction?: (tx: Db, executionId: string) => Promise<void>,
  ): Promise<string> {
    return failExecutionAtStart(this.core, { pipeline, trigger, context, alsoInTransaction }, error);
  }

  /** Applies steps until the execution waits for running actions or has ended. */
  async advance(executionId: string): Promise<void> {
    await this.advancing.advance(executionId);
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
    await this.reports.completeJobs(reports);
  }

  /** RollbackStage: an operator rolls a stage back (manual-rollback.ts); resolves with the rollback executions. */
  async rollbackStage(ask: ManualRollback): Promise<string[]> {
    return this.rollbacks.rollbackStage(ask);
  }

  async setWaiting(job: Pick<JobRecord, 'executionId' | 'stageIndex' | 'actionIndex'>, reason: string): Promise<void> {
    await this.reports.setWaiting(job, reason);
  }

  /** Re-queues an interrupted job (provider safe to repeat) or fails its action (interrupted-jobs.ts). */
  async recoverJob(job: JobRecord, repeatable: boolean): Promise<boolean> {
    return this.interrupted.recoverJob(job, repeatable);
  }

  /** A job whose agent stopped renewing its lease before `now` runs again or fails (interrupted-jobs.ts). */
  async loseJob(job: JobRecord, repeatable: boolean, now: string): Promise<boolean> {
    return this.interrupted.loseJob(job, repeatable, now);
  }

  /** PutApprovalResult: answers a waiting manual approval once; the approval provider picks it up. */
  async answerApproval(executionId: string, actionName: string, answer: ApprovalAnswer): Promise<void> {
    await answerApproval(this.core, executionId, actionName, answer);
  }

  /** An operator lets an execution deploy to a region outside its window (window-overrides.ts); returns the actions that were waiting. */
  async overrideWindow(executionId: string, region: string, by: string, reason: string): Promise<string[]> {
    return overrideWindow(this.core, executionId, region, by, reason);
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
    return { ...this.core, onError: (error) => this.deps.onError?.(error) };
  }

  /**
   * Makes this process the execution's owner. With `from`, only while the execution is still
   * owned by `from` (false otherwise): of several servers adopting at once, one does.
   */
  async adopt(executionId: string, from?: string | null): Promise<boolean> {
    return adopt(this.core, executionId, from);
  }

  /** Stop and wait (running actions finish) or stop and abandon (running actions are abandoned). */
  async requestStop(executionId: string, abandon: boolean, reason?: string): Promise<void> {
    await requestStop(this.core, executionId, abandon, reason);
  }

  /** Abandons a running job of an execution stopped with abandon whose runner is gone, ending what it left running (interrupted-jobs.ts). */
  async abandonJob(job: JobRecord, message: string): Promise<void> {
    await this.interrupted.abandonJob(job, message, (outcome) => this.completeJob(job, outcome));
  }

  /** RetryStageExecution: re-runs the failed stage of a Failed or Stopped execution, same id. */
  async retry(executionId: string, options: RetryOptions): Promise<string> {
    return retryStage(this.core, executionId, options);
  }
}
