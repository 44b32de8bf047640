/**
 * A rollback after a failed health check: an execution of its own (trigger `rollback`, mode
 * PARALLEL, no windows, so nothing queues it behind the forward execution) whose one stage
 * re-activates, in each region to roll back, the release its last good execution activated:
 * each release action of the rollout stage as it ran then (its configuration resolved with
 * that execution's variables), in `activate` mode with that execution's release id.
 */
import type { Action, Pipeline } from '../domain/pipeline.js';
import { resolveAction } from '../domain/variables.js';
import type { ExecutionSnapshot } from '../stores/state/records.js';
import { lastGoodRelease } from '../stores/state/release-history.js';
import type { StateStore } from '../stores/state/state-store.js';
import { variableScope } from './variable-scope.js';

export interface RollbackPlan {
  pipeline: Pipeline;
  /** Region -> the release it goes back to. */
  releases: Record<string, string>;
  /** Regions with no earlier good release (their first release): nothing to go back to. */
  without: string[];
}

const RELEASE = 'Deploy/Meridian/Release';

function isSwitch(action: Action): boolean {
  const mode = action.configuration.mode;
  return `${action.type.category}/${action.type.owner}/${action.type.provider}` === RELEASE && (mode === undefined || mode === 'deploy' || mode === 'activate');
}

export async function planRollback(store: StateStore, forward: ExecutionSnapshot, stageIndex: number, regions: readonly string[]): Promise<RollbackPlan> {
  const definition = forward.execution.definition;
  const stage = definition.stages[stageIndex];
  const actions: Action[] = [];
  const releases: Record<string, string> = {};
  const without: string[] = [];
  for (const region of regions) {
    const switches = (stage?.actions ?? []).filter((a) => a.region === region && isSwitch(a));
    let found = false;
    for (const action of switches) {
      const current = forward.actions.find((a) => a.stageIndex === stageIndex && a.name === action.name)?.outputVariables.ReleaseId;
      const good = await lastGoodRelease(store.db, { pipeline: forward.execution.pipeline, stage: stage?.name ?? '', action: action.name, excludeExecution: forward.execution.id, ...(current === undefined ? {} : { notReleaseId: current }) });
      if (!good) continue;
      const earlier = await store.snapshot(store.db, good.executionId);
      const then = earlier.execution.definition.stages.find((s) => s.name === stage?.name)?.actions.find((a) => a.name === action.name) ?? action;
      const resolved = resolveAction(then, variableScope(earlier)).value;
      actions.push({ ...resolved, name: `${action.name}-rollback`, runOrder: 1, inputArtifacts: [], outputArtifacts: [], configuration: { ...resolved.configuration, mode: 'activate', releaseId: good.releaseId } });
      releases[region] = good.releaseId;
      found = true;
    }
    if (!found) without.push(region);
  }
  const pipeline: Pipeline = {
    ...definition,
    executionMode: 'PARALLEL',
    regions: definition.regions.map(({ windows: _windows, ...region }) => region),
    stages: [{ name: 'Rollback', actions }],
    triggers: [],
    webhooks: [],
    polls: [],
  };
  delete pipeline.windowPolicy;
  delete pipeline.rollout;
  return { pipeline, releases, without };
}
