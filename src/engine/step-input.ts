import type { StepInput } from '../domain/next-step.js';
import type { ExecutionSnapshot } from '../stores/state/records.js';

/** What nextStep reads of an execution snapshot. */
export function stepInput(snapshot: ExecutionSnapshot): StepInput {
  return {
    status: snapshot.execution.status,
    stages: snapshot.stages.map((s) => ({ index: s.index, status: s.status })),
    actions: snapshot.actions.map((a) => ({ stageIndex: a.stageIndex, actionIndex: a.actionIndex, runOrder: a.runOrder, status: a.status, error: a.error, name: a.name })),
  };
}
