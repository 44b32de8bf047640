/**
 * What an execution does next, as a pure function of its current state. The engine applies
 * one step, persists it, and asks again until the answer is `wait` (something is running) or
 * `done`. Rules (CodePipeline, docs/aws-behaviour.md §1.4): stages run in order; in a stage, every action
 * of the lowest pending runOrder starts together; a later runOrder starts only when every
 * earlier one succeeded; after a failure, running actions finish and nothing else starts (an
 * action held for its window or a halt has not started: it is let go). A stage in region
 * lanes orders runOrder per region instead (domain/region-lanes.ts).
 */
import type { ActionError, ActionStatus, ExecutionStatus, StageError, StageStatus } from './execution.js';
import { TERMINAL_EXECUTION } from './execution.js';
import type { LaneFailurePolicy } from './pipeline.js';
import { heldAfterFailure, startableInLanes } from './region-lanes.js';

export interface StepInput {
  status: ExecutionStatus;
  /** `lanes`: the stage runs in region lanes for this execution, with `onLaneFailure`; `error`: why it failed or stopped. */
  stages: Array<{ index: number; status: StageStatus; lanes?: boolean; onLaneFailure?: LaneFailurePolicy; name?: string; error?: StageError | null }>;
  /** `lane`: the action's region lane, null when stage-wide; `waitingFor`: what a Waiting action waits for. */
  actions: Array<{
    stageIndex: number;
    actionIndex: number;
    runOrder: number;
    status: ActionStatus;
    error: ActionError | null;
    name: string;
    lane?: string | null;
    waitingFor?: string | null;
  }>;
}

export type Step =
  | { kind: 'start-stage'; stageIndex: number }
  | { kind: 'start-actions'; stageIndex: number; actionIndexes: number[]; runOrder: number }
  /** Actions held for a window or a halt that will not start, because the stage failed: back to Pending. */
  | { kind: 'release-held'; stageIndex: number; actionIndexes: number[]; because: string }
  | { kind: 'finish-stage'; stageIndex: number; status: 'Succeeded' | 'Failed' | 'Stopped' }
  | { kind: 'finish-execution'; status: 'Succeeded' | 'Failed' | 'Stopped'; error: StageError | null }
  | { kind: 'wait' }
  | { kind: 'done' };

const RUNNING: ReadonlySet<ActionStatus> = new Set(['InProgress', 'Waiting']);
const UNSUCCESSFUL: ReadonlySet<ActionStatus> = new Set(['Failed', 'Abandoned', 'Stopped']);

export function nextStep(input: StepInput): Step {
  if (TERMINAL_EXECUTION.has(input.status)) return { kind: 'done' };
  const stopping = input.status === 'Stopping';
  const current = input.stages.find((stage) => stage.status !== 'Succeeded' && stage.status !== 'Skipped');
  if (!current) {
    return stopping ? { kind: 'finish-execution', status: 'Stopped', error: null } : { kind: 'finish-execution', status: 'Succeeded', error: null };
  }
  if (current.status === 'Failed' || current.status === 'Stopped') {
    // The failed action's error; else, or when the failure started a rollback, the stage's own
    // reason (a health check, a condition, a stop), which names the failed actions too.
    const failed = input.actions.find((a) => a.stageIndex === current.index && UNSUCCESSFUL.has(a.status));
    const byAction = failed?.error ? { ...failed.error, message: `${failed.name}: ${failed.error.message}` } : null;
    const byStage = current.error ? { ...current.error, message: `stage ${current.name ?? current.index}: ${current.error.message}` } : null;
    return { kind: 'finish-execution', status: current.status, error: byStage?.rollback !== undefined ? byStage : (byAction ?? byStage) };
  }
  const actions = input.actions.filter((a) => a.stageIndex === current.index);
  const running = actions.filter((a) => RUNNING.has(a.status));
  const failure = actions.find((a) => UNSUCCESSFUL.has(a.status));
  if (stopping) {
    if (running.length > 0) return { kind: 'wait' };
    if (current.status === 'Pending') return { kind: 'finish-execution', status: 'Stopped', error: null };
    return { kind: 'finish-stage', stageIndex: current.index, status: 'Stopped' };
  }
  const policy = current.lanes === true ? (current.onLaneFailure ?? 'stop') : 'stop';
  if (failure !== undefined) {
    const held = heldAfterFailure(lanesOf(actions), policy);
    if (held.length > 0)
      return {
        kind: 'release-held',
        stageIndex: current.index,
        actionIndexes: held.map((a) => a.actionIndex),
        because: `${failure.name} ${failure.status.toLowerCase()}`,
      };
    if (current.lanes === true) {
      const startable = startableInLanes(lanesOf(actions), policy);
      if (startable.length > 0) return startActions(current.index, startable);
    }
    if (running.length > 0) return { kind: 'wait' };
    return { kind: 'finish-stage', stageIndex: current.index, status: 'Failed' };
  }
  if (current.status === 'Pending') return { kind: 'start-stage', stageIndex: current.index };
  const pending = actions.filter((a) => a.status === 'Pending');
  if (current.lanes === true) {
    const startable = startableInLanes(lanesOf(actions), policy);
    if (startable.length > 0) return startActions(current.index, startable);
    if (running.length > 0 || pending.length > 0) return { kind: 'wait' };
    return { kind: 'finish-stage', stageIndex: current.index, status: 'Succeeded' };
  }
  if (running.length > 0) return { kind: 'wait' };
  if (pending.length === 0) return { kind: 'finish-stage', stageIndex: current.index, status: 'Succeeded' };
  const runOrder = Math.min(...pending.map((a) => a.runOrder));
  return {
    kind: 'start-actions',
    stageIndex: current.index,
    runOrder,
    actionIndexes: pending.filter((a) => a.runOrder === runOrder).map((a) => a.actionIndex),
  };
}

function lanesOf(
  actions: StepInput['actions'],
): Array<{ actionIndex: number; runOrder: number; lane: string | null; status: ActionStatus; waitingFor: string | null }> {
  return actions.map((a) => ({ actionIndex: a.actionIndex, runOrder: a.runOrder, lane: a.lane ?? null, status: a.status, waitingFor: a.waitingFor ?? null }));
}

function startActions(stageIndex: number, actions: ReadonlyArray<{ actionIndex: number; runOrder: number }>): Step {
  return { kind: 'start-actions', stageIndex, runOrder: Math.min(...actions.map((a) => a.runOrder)), actionIndexes: actions.map((a) => a.actionIndex) };
}
