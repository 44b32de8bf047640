/**
 * Moving an execution forward: before the transaction, the stage conditions' Commands rules
 * and a baking wave's health checks run (they take time); inside it, steps are taken until
 * the execution waits for running actions or has ended — window waits woken, the rollout's
 * waves, the stage gate and BeforeEntry conditions before a stage, the OnSuccess and
 * OnFailure conditions after it, then domain/next-step.ts's step (step-application.ts).
 * After the commit agents hear of queued jobs and rollbacks the transaction started take their
 * first steps.
 */
import { nextStep } from '../domain/next-step.js';
import type { Db } from '../stores/state/state-store.js';
import type { EngineCore } from './engine-core.js';
import type { Recorder } from './execution-writes.js';
import type { JobQueue } from './job-queue.js';
import type { RollbackFollowUps } from './rollback-follow-ups.js';
import type { RolloutWaves } from './rollout-waves.js';
import type { StageConditions } from './stage-conditions.js';
import type { StageGates } from './stage-gates.js';
import type { StepApplication } from './step-application.js';
import { stepInput } from './step-input.js';
import type { WindowWaits } from './window-waits.js';

export interface AdvanceParts {
  core: EngineCore;
  windows: WindowWaits;
  waves: RolloutWaves;
  conditions: StageConditions;
  gates: StageGates;
  steps: StepApplication;
  jobs: JobQueue;
  rollbacks: RollbackFollowUps;
  /** Called after jobs were queued, so an in-process agent can claim them at once. */
  onJobsQueued?: () => void;
}

export class ExecutionAdvance {
  constructor(private readonly parts: AdvanceParts) {}

  /** Applies steps until the execution waits for running actions or has ended. */
  async advance(executionId: string): Promise<void> {
    await this.parts.conditions.prepare(executionId);
    await this.parts.waves.prepare(executionId);
    await this.writeAndFollow(executionId, (tx, record) => this.advanceIn(tx, executionId, record));
  }

  /**
   * Writes `work` (true when it queued jobs), then tells agents of the queued jobs and takes
   * the first steps of the rollbacks it started.
   */
  async writeAndFollow(executionId: string, work: (tx: Db, record: Recorder) => Promise<boolean>): Promise<void> {
    const queued = await this.parts.core.write(executionId, work);
    if (queued) this.parts.onJobsQueued?.();
    await this.parts.rollbacks.advanceCreated(executionId);
  }

  /** The steps of `advance` inside a transaction the caller holds; true when jobs were queued. */
  async advanceIn(tx: Db, executionId: string, record: Recorder): Promise<boolean> {
    const { core, windows, waves, conditions, gates, steps, jobs } = this.parts;
    let queued = false;
    windows.forget(executionId);
    for (;;) {
      const snapshot = await core.store.snapshot(tx, executionId);
      if (await windows.wake(tx, snapshot, record, (t, key, region, attempt, at) => jobs.queueAttempt(t, key, region, attempt, at))) {
        queued = true;
        continue;
      }
      const decided = waves.decide(snapshot, nextStep(stepInput(snapshot)));
      await waves.flush(snapshot, record);
      if (decided.kind === 'bake') {
        await waves.announce(snapshot, decided, record);
        return queued;
      }
      if (decided.kind === 'failed') {
        await waves.fail(tx, snapshot, decided, record);
        continue;
      }
      const next = decided.step;
      if (next.kind === 'wait' || next.kind === 'done') return queued;
      if (next.kind === 'start-stage') {
        const gate = await gates.gate(tx, snapshot, next.stageIndex, record);
        if (gate === 'wait') return queued;
        if (gate === 'superseded') continue;
        const entry = await conditions.beforeEntry(tx, snapshot, next.stageIndex, record);
        if (entry === 'wait') return queued;
        if (entry === 'decided') continue;
      }
      if (next.kind === 'finish-stage') {
        const exit = await conditions.afterStage(tx, snapshot, next.stageIndex, next.status, record);
        if (exit === 'wait') return queued;
        if (exit === 'decided') continue;
      }
      if (next.kind === 'start-actions') queued = true;
      await steps.apply(tx, snapshot, next, record);
    }
  }
}
