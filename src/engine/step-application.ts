/**
 * Applies one step that domain/next-step.ts decided (execution-advance.ts asks it): a stage
 * starts, held actions are released, actions start (or wait for their window) and their jobs
 * are queued, a stage finishes, the execution finishes. Each is written with its event.
 */
import { MeridianError } from '../domain/errors.js';
import type { StageError } from '../domain/execution.js';
import type { Step } from '../domain/next-step.js';
import type { Action } from '../domain/pipeline.js';
import type { ExecutionSnapshot } from '../domain/records.js';
import { mayRunInLanes } from '../domain/region-lanes.js';
import { actionsFailed } from '../domain/stage-errors.js';
import type { Db } from '../stores/state/state-store.js';
import type { EngineCore } from './engine-core.js';
import type { Recorder } from './execution-writes.js';
import type { AttemptStart, JobQueue } from './job-queue.js';
import { skipPending } from './skipped-actions.js';
import type { StageGates } from './stage-gates.js';
import { describeStart, stageOrder, type WindowWaits } from './window-waits.js';

export class StepApplication {
  constructor(private readonly deps: { core: EngineCore; windows: WindowWaits; gates: StageGates; jobs: JobQueue }) {}

  async apply(tx: Db, snapshot: ExecutionSnapshot, step: Step, record: Recorder): Promise<void> {
    const { store, clock } = this.deps.core;
    const { execution } = snapshot;
    const at = clock.now().toISOString();
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
      case 'start-actions':
        await this.startActions(tx, snapshot, step, at, record);
        return;
      case 'finish-stage': {
        this.deps.gates.stageLeft(execution.pipeline);
        const stage = snapshot.stages[step.stageIndex];
        const error = stageError(snapshot, step.stageIndex, step.status);
        await store.setStageStatus(tx, execution.id, step.stageIndex, step.status, at, error);
        await record({
          type: 'stage-finished',
          stage: stage?.name,
          description: `Stage ${stage?.name} ${step.status.toLowerCase()}${error ? `: ${error.message}` : ''}`,
          data: { status: step.status },
        });
        return;
      }
      case 'finish-execution': {
        this.deps.gates.executionEnded(execution.pipeline, execution.id);
        await skipPending(store, tx, execution.id, at);
        // A stopped execution keeps the reason its stop request recorded.
        const error = step.status === 'Stopped' && execution.error !== null ? execution.error : step.error;
        await store.setExecutionStatus(tx, execution.id, step.status, at, error);
        await store.setOwner(tx, execution.id, null);
        const why = error ? `: ${error.message}` : '';
        await record({ type: 'execution-finished', description: `Execution ${step.status.toLowerCase()}${why}`, data: { status: step.status } });
        return;
      }
    }
  }

  /** Starts the actions whose window allows it (the others wait for it) and queues their jobs. */
  private async startActions(tx: Db, snapshot: ExecutionSnapshot, step: Extract<Step, { kind: 'start-actions' }>, at: string, record: Recorder): Promise<void> {
    const { windows, jobs } = this.deps;
    const { execution } = snapshot;
    const stage = execution.definition.stages[step.stageIndex];
    const starts: AttemptStart[] = [];
    for (const actionIndex of step.actionIndexes) {
      const action = stage?.actions[actionIndex];
      if (!action || !stage) throw new MeridianError('INTERNAL', `action ${step.stageIndex}/${actionIndex} is not in the definition`);
      const key = { executionId: execution.id, stageIndex: step.stageIndex, actionIndex };
      const window = await windows.judge(tx, snapshot, step.stageIndex, actionIndex);
      if (window.kind === 'wait') {
        await windows.hold(tx, snapshot, key, window, record);
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
    await jobs.queueAttempts(tx, execution.id, step.stageIndex, starts, at);
  }
}

/** Why a stage ends Failed (its failed actions) or Stopped (the stop request's reason); null when it succeeded. */
function stageError(snapshot: ExecutionSnapshot, stageIndex: number, status: 'Succeeded' | 'Failed' | 'Stopped'): StageError | null {
  if (status === 'Succeeded') return null;
  if (status === 'Stopped') return snapshot.execution.error ?? { code: 'STOPPED', message: 'stopped' };
  return actionsFailed(snapshot.actions.filter((a) => a.stageIndex === stageIndex));
}

function describeWave(action: Action): string {
  return action.runOrder === 1 ? '' : ` (runOrder ${action.runOrder})`;
}
