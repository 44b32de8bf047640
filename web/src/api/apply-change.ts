/**
 * A committed engine event applied to the execution view the page holds, so a new status
 * shows the moment the server sends it; the full view read afterwards replaces the patch.
 * Only what the event says for certain is changed: statuses and start/end times.
 */
import type { ActionStatus, ExecutionStatus, ExecutionView, StageStatus } from './types';

export interface Change {
  seq: number;
  executionId: string;
  at: string;
  type: string;
  stage: string | null;
  action: string | null;
  description: string;
  data: Record<string, unknown> | null;
}

const ENDED = new Set(['Succeeded', 'Failed', 'Abandoned', 'Stopped', 'Skipped', 'Superseded', 'Cancelled']);

export function applyChange(view: ExecutionView, change: Change): ExecutionView {
  const status = typeof change.data?.status === 'string' ? change.data.status : undefined;
  if (status === undefined) return view;
  if (change.type === 'execution-finished' || change.type === 'execution-stopping') {
    return { ...view, status: status as ExecutionStatus, endedAt: ENDED.has(status) ? change.at : view.endedAt };
  }
  if (change.stage === null) return view;
  return {
    ...view,
    stages: view.stages.map((stage) => {
      if (stage.name !== change.stage) return stage;
      if (change.action === null) {
        if (!change.type.startsWith('stage-')) return stage;
        return {
          ...stage,
          status: status as StageStatus,
          startedAt: status === 'InProgress' ? change.at : stage.startedAt,
          endedAt: ENDED.has(status) ? change.at : null,
        };
      }
      return {
        ...stage,
        actions: stage.actions.map((action) => {
          if (action.name !== change.action) return action;
          const started = status === 'InProgress' && action.status !== 'InProgress' && action.status !== 'Waiting';
          return {
            ...action,
            status: status as ActionStatus,
            startedAt: started ? change.at : action.startedAt,
            endedAt: ENDED.has(status) ? change.at : started ? null : action.endedAt,
            waitingFor: status === 'Waiting' ? action.waitingFor : null,
            // What it waits for changed with its status: the full view read next says what now.
            waitsFor: status === action.status ? action.waitsFor : null,
          };
        }),
      };
    }),
  };
}
