/**
 * Planning a rollback: after a stage failed (a failed health check in a rollout's bake, or a
 * ROLLBACK stage condition), each region to roll back goes back to its last good run of that
 * stage. A region's last good run is the most recent earlier execution (rollback executions
 * excluded, as CodePipeline does) in which every action of the stage in that region succeeded,
 * whose release there was not rolled back since, and whose input artifacts differ by digest
 * from the ones being rolled back (running the same artifact again would undo nothing; for
 * actions that read no artifact, their resolved configuration is compared instead). It is
 * judged per region, from history, so it holds in every execution mode.
 *
 * The rollback re-runs, in its own execution (trigger `rollback`, mode PARALLEL, no windows,
 * no conditions, so nothing queues it behind the forward execution), that region's actions of
 * the stage as they ran then: the definition of that execution, its variables, its input
 * artifacts (same digests; the stores are content-addressed). Release actions that switched a
 * release instead re-activate the release that execution made (`mode: activate`), and its
 * `prepare` actions are left out: the release is still on the target. Regions going back to
 * different executions get one rollback execution each.
 */
import { crossRegionCommandProblem } from '../domain/cross-region-values.js';
import { MeridianError } from '../domain/errors.js';
import type { Action, Pipeline } from '../domain/pipeline.js';
import { resolveAction } from '../domain/variables.js';
import type { ArtifactRecord, ExecutionContext, ExecutionSnapshot } from '../domain/records.js';
import { goodRunsOfStage } from '../stores/state/rollback-records.js';
import type { Db, StateStore } from '../stores/state/state-store.js';
import { variableScope } from './variable-scope.js';

export interface RollbackGroup {
  /** The execution these regions go back to. */
  target: string;
  regions: string[];
  pipeline: Pipeline;
  context: ExecutionContext;
  /** The target's input artifacts the rollback's actions read, recorded for the rollback execution. */
  artifacts: ArtifactRecord[];
  /** Region -> the release re-activated there, for release actions. */
  releases: Record<string, string>;
}

export interface RollbackPlan {
  groups: RollbackGroup[];
  /** Regions with no earlier good run of the stage: nothing to go back to. */
  without: string[];
}

const RELEASE = 'Deploy/Meridian/Release';

function releaseMode(action: Action): 'switch' | 'prepare' | undefined {
  if (`${action.type.category}/${action.type.owner}/${action.type.provider}` !== RELEASE) return undefined;
  const mode = action.configuration.mode;
  return mode === undefined || mode === 'deploy' || mode === 'activate' ? 'switch' : mode === 'prepare' ? 'prepare' : undefined;
}

/** `target`: go back to this execution in every region (a manual rollback's `--to`) instead of each region's last good run. */
export async function planRollback(
  store: StateStore,
  db: Db,
  forward: ExecutionSnapshot,
  stageIndex: number,
  regions: readonly string[],
  target?: string,
): Promise<RollbackPlan> {
  const stageName = forward.execution.definition.stages[stageIndex]?.name ?? '';
  const targets = new Map<string, string[]>();
  const without: string[] = [];
  const snapshots = new Map<string, ExecutionSnapshot>([[forward.execution.id, forward]]);
  const artifacts = new Map<string, ArtifactRecord[]>();
  const load = async (id: string): Promise<{ snapshot: ExecutionSnapshot; artifacts: ArtifactRecord[] }> => {
    if (!snapshots.has(id)) snapshots.set(id, await store.snapshot(db, id));
    if (!artifacts.has(id)) artifacts.set(id, await store.artifacts(db, id));
    return { snapshot: snapshots.get(id) as ExecutionSnapshot, artifacts: artifacts.get(id) as ArtifactRecord[] };
  };
  const rolledBack = await load(forward.execution.id);
  if (target !== undefined) {
    const chosen = await load(target);
    for (const region of regions) {
      assertGoodRun(chosen.snapshot, forward.execution.pipeline, stageName, region);
      const crossing = crossingOf(chosen.snapshot, stageName, region);
      if (crossing !== undefined) throw new MeridianError('CONFLICT', `execution ${target} cannot be gone back to in ${region}: ${crossing}`);
    }
    targets.set(target, [...regions]);
  }
  for (const region of target === undefined ? regions : []) {
    const now = digestsOf(rolledBack.snapshot, rolledBack.artifacts, stageName, region);
    const runs = await goodRunsOfStage(db, { pipeline: forward.execution.pipeline, stage: stageName, region, excludeExecution: forward.execution.id });
    let target: string | undefined;
    for (const id of runs) {
      const earlier = await load(id);
      if (crossingOf(earlier.snapshot, stageName, region) !== undefined) continue;
      if (digestsOf(earlier.snapshot, earlier.artifacts, stageName, region) !== now) {
        target = id;
        break;
      }
    }
    if (target === undefined) without.push(region);
    else targets.set(target, [...(targets.get(target) ?? []), region]);
  }
  const groups: RollbackGroup[] = [];
  for (const [target, inRegions] of targets) {
    const earlier = await load(target);
    groups.push(rollbackGroup(earlier.snapshot, earlier.artifacts, stageName, inRegions));
  }
  return { groups, without };
}

/** A manual rollback's target must be a run of the same pipeline, not a rollback, in which the stage succeeded in the region. */
function assertGoodRun(snapshot: ExecutionSnapshot, pipeline: string, stageName: string, region: string): void {
  const { execution } = snapshot;
  const id = execution.id;
  if (execution.pipeline !== pipeline) throw new MeridianError('BAD_INPUT', `execution ${id} is of pipeline ${execution.pipeline}, not ${pipeline}`);
  if (execution.trigger.type === 'rollback')
    throw new MeridianError('CONFLICT', `execution ${id} is a rollback; roll back to the execution it went back to instead`);
  const stageIndex = execution.definition.stages.findIndex((s) => s.name === stageName);
  const actions = snapshot.actions.filter((a) => a.stageIndex === stageIndex && a.region === region);
  if (actions.length === 0) throw new MeridianError('CONFLICT', `execution ${id} ran no action of stage ${stageName} in ${region}`);
  const failed = actions.find((a) => a.status !== 'Succeeded');
  if (failed)
    throw new MeridianError(
      'CONFLICT',
      `in execution ${id}, ${failed.name} (${region}) is ${failed.status}: only a run in which every action of the stage succeeded can be gone back to`,
    );
}

/**
 * Why the region's actions of the stage, as they ran in `snapshot`, may not run again: a
 * command substituting another region's output variable that a shell would interpret
 * (domain/cross-region-values.ts). A rollback runs its actions resolved in advance, so the
 * check their job specs make finds nothing left to substitute; it is made here instead. Only
 * a run recorded before that check existed can hold such a command, as it fails the action.
 */
function crossingOf(snapshot: ExecutionSnapshot, stageName: string, region: string): string | undefined {
  const { definition } = snapshot.execution;
  const stage = definition.stages.find((s) => s.name === stageName);
  const scope = variableScope(snapshot);
  for (const action of stage?.actions ?? []) {
    if (action.region !== region) continue;
    const problem = crossRegionCommandProblem(definition, action, region, scope);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * What the region's actions of the stage deployed, as one comparable string: the digests of
 * the artifacts they read or, when they read none, their configuration as resolved then.
 */
function digestsOf(snapshot: ExecutionSnapshot, records: readonly ArtifactRecord[], stageName: string, region: string): string {
  const stage = snapshot.execution.definition.stages.find((s) => s.name === stageName);
  const actions = (stage?.actions ?? []).filter((a) => a.region === region);
  const names = [...new Set(actions.flatMap((a) => a.inputArtifacts))].sort();
  if (names.length > 0) return names.map((name) => `${name}=${records.find((r) => r.name === name)?.digest ?? '?'}`).join(',');
  const scope = variableScope(snapshot);
  return JSON.stringify(actions.map((a) => resolveAction(a, scope).value.configuration));
}

function rollbackGroup(earlier: ExecutionSnapshot, records: readonly ArtifactRecord[], stageName: string, regions: string[]): RollbackGroup {
  const { execution } = earlier;
  const stageIndex = execution.definition.stages.findIndex((s) => s.name === stageName);
  const stage = execution.definition.stages[stageIndex];
  const scope = variableScope(earlier);
  const releases: Record<string, string> = {};
  const actions: Action[] = [];
  for (const [actionIndex, action] of (stage?.actions ?? []).entries()) {
    if (!regions.includes(action.region)) continue;
    const resolved = resolveAction(action, scope).value;
    const mode = releaseMode(action);
    const releaseId = earlier.actions.find((a) => a.stageIndex === stageIndex && a.actionIndex === actionIndex)?.outputVariables.ReleaseId;
    if (mode === 'prepare') continue;
    if (mode === 'switch' && releaseId !== undefined) {
      releases[action.region] = releaseId;
      actions.push({ ...resolved, inputArtifacts: [], outputArtifacts: [], configuration: { ...resolved.configuration, mode: 'activate', releaseId } });
      continue;
    }
    actions.push(resolved);
  }
  const produced = new Set(actions.flatMap((a) => a.outputArtifacts));
  const read = new Set(actions.flatMap((a) => a.inputArtifacts).filter((name) => !produced.has(name)));
  const pipeline: Pipeline = {
    ...execution.definition,
    executionMode: 'PARALLEL',
    regions: execution.definition.regions.map(({ windows: _windows, ...region }) => region),
    stages: [{ name: stageName, actions }],
    triggers: [],
    webhooks: [],
    polls: [],
  };
  delete pipeline.windowPolicy;
  delete pipeline.rollout;
  return {
    target: execution.id,
    regions,
    pipeline,
    context: { ...execution.context, sourceOverrides: {} },
    artifacts: records.filter((r) => read.has(r.name)),
    releases,
  };
}
