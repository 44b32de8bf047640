/**
 * What an execution does next, as a pure function of its current state. The engine applies
 * one step, persists it, and asks again until the answer is `wait` (something is running) or
 * `done`. Rules (CodePipeline, reference §1.4): stages run in order; in a stage, every action
 * of the lowest pending runOrder starts together; a later runOrder starts only when every
 * earlier one succeeded; after a failure, running actions finish and nothing else starts.
 */
import type { ActionError, ActionStatus, ExecutionStatus, StageStatus } from './execution.js';
import { TERMINAL_EXECUTION } from './execution.js';

export interface StepInput {
  status: ExecutionStatus;
  stages: Array<{ index: number; status: StageStatus }>;
  actions: Array<{ stageIndex: number; actionIndex: number; runOrder: number; status: ActionStatus; error: ActionError | null; name: string }>;
}

export type Step =
  | { kind: 'start-stage'; stageIndex: number }
  | { kind: 'start-actions'; stageIndex: number; actionIndexes: number[]; runOrder: number }
  | { kind: 'finish-stage'; stageIndex: number; status: 'Succeeded' | 'Failed' | 'Stopped' }
  | { kind: 'finish-execution'; status: 'Succeeded' | 'Failed' | 'Stopped'; error: ActionError | null }
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
    const failed = input.actions.find((a) => a.stageIndex === current.index && UNSUCCESSFUL.has(a.status));
    return {
      kind: 'finish-execution',
      status: current.status,
      error: failed?.error ? { ...failed.error, message: `${failed.name}: ${failed.error.message}` } : null,
    };
  }
  const actions = input.actions.filter((a) => a.stageIndex === current.index);
  const running = actions.filter((a) => RUNNING.has(a.status));
  if (running.length > 0) return { kind: 'wait' };
  if (stopping) {
    if (current.status === 'Pending') return { kind: 'finish-execution', status: 'Stopped', error: null };
    return { kind: 'finish-stage', stageIndex: current.index, status: 'Stopped' };
  }
  if (actions.some((a) => UNSUCCESSFUL.has(a.status))) {
    return { kind: 'finish-stage', stageIndex: current.index, status: 'Failed' };
  }
  if (current.status === 'Pending') return { kind: 'start-stage', stageIndex: current.index };
  const pending = actions.filter((a) => a.status === 'Pending');
  if (pending.length === 0) return { kind: 'finish-stage', stageIndex: current.index, status: 'Succeeded' };
  const runOrder = Math.min(...pending.map((a) => a.runOrder));
  return {
    kind: 'start-actions',
    stageIndex: current.index,
    runOrder,
    actionIndexes: pending.filter((a) => a.runOrder === runOrder).map((a) => a.actionIndex),
  };
}
