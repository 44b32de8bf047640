import type { ExecutionSummary } from '../domain/execution.js';
import type { ExecutionSnapshot } from '../domain/records.js';
import { secretValuesOf } from '../domain/secret-fields.js';
import { maskDeep, maskerOf } from '../lib/redact-pipeline.js';

/**
 * The execution summary (docs/server.md), the shape `run --json` and the API print. A secret
 * of the execution's definition that reached an output variable or an error shows as `****`:
 * the summary is only ever shown, never read back by the engine.
 */
export function toSummary(snapshot: ExecutionSnapshot): ExecutionSummary {
  const { execution } = snapshot;
  return maskDeep(summaryOf(snapshot), maskerOf(secretValuesOf(execution.definition)));
}

function summaryOf(snapshot: ExecutionSnapshot): ExecutionSummary {
  const { execution } = snapshot;
  return {
    executionId: execution.id,
    pipeline: execution.pipeline,
    status: execution.status,
    startedAt: execution.startedAt,
    endedAt: execution.endedAt,
    trigger: execution.trigger,
    error: execution.error,
    stages: snapshot.stages.map((stage) => ({
      name: stage.name,
      status: stage.status,
      error: stage.error,
      actions: snapshot.actions
        .filter((action) => action.stageIndex === stage.index)
        .map((action) => ({
          name: action.name,
          region: action.region,
          runOrder: action.runOrder,
          status: action.status,
          startedAt: action.startedAt,
          endedAt: action.endedAt,
          attempts: action.attempts,
          outputVariables: action.outputVariables,
          error: action.error,
          ...(action.reports.length > 0 ? { reports: action.reports } : {}),
          ...(action.status === 'Waiting' && action.waitingReason !== null ? { waiting: { reason: action.waitingReason, opensAt: action.opensAt } } : {}),
        })),
    })),
  };
}
