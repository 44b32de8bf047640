import type { StepInput } from '../domain/next-step.js';
import { laneOf, mayRunInLanes } from '../domain/region-lanes.js';
import type { ExecutionSnapshot } from '../domain/records.js';
import { stageOrder } from './window-waits.js';

/** What nextStep reads of an execution snapshot. */
export function stepInput(snapshot: ExecutionSnapshot): StepInput {
  const pipeline = snapshot.execution.definition;
  return {
    status: snapshot.execution.status,
    stages: snapshot.stages.map((s) => {
      const stage = pipeline.stages[s.index];
      const lanes = stage !== undefined && mayRunInLanes(pipeline, stage) && stageOrder(snapshot, s.index).order === 'region';
      return { index: s.index, status: s.status, name: s.name, error: s.error, ...(lanes ? { lanes, onLaneFailure: stage.onLaneFailure ?? 'stop' } : {}) };
    }),
    actions: snapshot.actions.map((a) => {
      const action = pipeline.stages[a.stageIndex]?.actions[a.actionIndex];
      return {
        stageIndex: a.stageIndex,
        actionIndex: a.actionIndex,
        runOrder: a.runOrder,
        status: a.status,
        error: a.error,
        name: a.name,
        lane: action ? laneOf(action) : a.region,
        waitingFor: a.waitingFor,
      };
    }),
  };
}
