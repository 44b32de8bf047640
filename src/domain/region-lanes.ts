/**
 * Region lanes: how runOrder orders a stage whose actions deploy to several regions.
 *
 * CodePipeline runs runOrder stage-wide: runOrder 2 starts anywhere only once every runOrder 1
 * action succeeded. While nothing waits that is what people rely on (prepare every region,
 * then switch). When deployment windows hold the execution, stage-wide runOrder makes each
 * runOrder wait for the last region's night, and a three-step rollout takes three nights. In
 * region lanes each region goes through its own runOrders, inside its own windows:
 *
 * - **A lane** is a region: the stage's actions that run there because the definition says so
 *   (a `Region`, a `region:`, `forEach`). An action that names no region (it runs in the home
 *   region by default) is **stage-wide**: it waits for every action of a lower runOrder in
 *   every lane, and every lane's higher runOrders wait for it (an approval between prepare and
 *   switch holds every lane).
 * - **Region R's runOrder N** starts once R's lower runOrders and the stage-wide actions of a
 *   lower runOrder succeeded; other regions' windows do not hold it.
 * - **When lanes apply** (`stageLanes`): `lanes: stage` never; `lanes: region` always; by
 *   default when windows hold the execution (the policy applies to it and a region of the
 *   stage has windows) and the stage's window-gated actions deploy to two regions or more. A
 *   rollout stage is ordered by its waves: lanes inside each wave (domain/rollout-step.ts).
 * - **A failed lane** (`onLaneFailure`): `stop` (default) — no lane starts another step,
 *   running steps finish, steps held for a window or a halt are let go unstarted, then the
 *   stage fails; `continue` — the other lanes go on to their end (stage-wide actions no longer
 *   start), then the stage fails.
 *
 * Pure: the engine (domain/next-step.ts), `meridian plan` and `meridian validate` read it.
 */
import type { ActionStatus } from './execution.js';
import type { Action, LaneFailurePolicy, Pipeline, Stage } from './pipeline.js';
import { isGatedByWindows, windowsApply } from './region-windows.js';
import { isRolloutStage } from './rollout-step.js';

export type StageOrder =
  /** runOrder stage-wide (CodePipeline). */
  | 'stage'
  /** Each region through its own runOrders. */
  | 'region'
  /** A rollout stage: waves of regions, each region in its own lane inside its wave. */
  | 'rollout';

/** A lane-ordered action: its lane is its region, or null for a stage-wide action. */
export interface LaneAction {
  actionIndex: number;
  runOrder: number;
  lane: string | null;
  status: ActionStatus;
  /** What a `Waiting` action waits for: `window` and `halt` hold an action that has not started. */
  waitingFor?: string | null;
}

const DONE: ReadonlySet<ActionStatus> = new Set(['Succeeded', 'Skipped']);
const UNSUCCESSFUL: ReadonlySet<ActionStatus> = new Set(['Failed', 'Abandoned', 'Stopped']);
const HOLDS: ReadonlySet<string> = new Set(['window', 'halt']);

/** An action's lane: its region, or null when the definition names no region for it. */
export function laneOf(action: Pick<Action, 'region' | 'homeByDefault'>): string | null {
  return action.homeByDefault === true ? null : action.region;
}

/** Do deployment windows hold an execution of this pipeline (disruptive or not)? */
export function windowsHold(pipeline: Pick<Pipeline, 'windowPolicy' | 'regions'>, disruptive: boolean): boolean {
  return windowsApply(pipeline.windowPolicy, disruptive) && pipeline.regions.some((r) => (r.windows ?? []).length > 0);
}

/** The regions whose lanes a stage has: the regions of its window-gated actions that name one. */
export function laneRegions(stage: Pick<Stage, 'actions'>): string[] {
  return [...new Set(stage.actions.filter((a) => isGatedByWindows(a) && laneOf(a) !== null).map((a) => a.region))];
}

export interface StageLanes {
  order: StageOrder;
  /** Why, in a sentence `meridian validate` and the stage's start event print. */
  why: string;
}

/** How a stage orders its runOrders for an execution that windows hold, or not. */
export function stageLanes(pipeline: Pick<Pipeline, 'rollout' | 'regions'>, stage: Pick<Stage, 'actions' | 'lanes'>, held: boolean): StageLanes {
  if (isRolloutStage(pipeline.rollout, stage))
    return { order: 'rollout', why: "its regions go in the rollout's waves, each region through its own runOrders inside its wave" };
  if (stage.lanes === 'stage') return { order: 'stage', why: '`lanes: stage`: runOrder is stage-wide' };
  if (stage.lanes === 'region') return { order: 'region', why: '`lanes: region`: each region goes through its own runOrders' };
  const regions = laneRegions(stage);
  if (regions.length < 2) return { order: 'stage', why: 'it deploys to one region' };
  const windowed = regions.filter((r) => (pipeline.regions.find((d) => d.name === r)?.windows ?? []).length > 0);
  if (windowed.length === 0) return { order: 'stage', why: 'none of its regions has windows, so runOrder is stage-wide' };
  if (!held) return { order: 'stage', why: 'windows do not hold this execution, so runOrder is stage-wide' };
  return { order: 'region', why: 'windows hold this execution, so each region goes through its own runOrders in its own window' };
}

/**
 * Could the stage ever run in region lanes (for some execution)? The engine advances such a
 * stage on every finished action, not only once the whole runOrder is done.
 */
export function mayRunInLanes(pipeline: Pick<Pipeline, 'rollout' | 'regions'>, stage: Pick<Stage, 'actions' | 'lanes'>): boolean {
  return stageLanes(pipeline, stage, true).order !== 'stage';
}

/** The lanes with an unsuccessful action. */
function failedLanes(actions: readonly LaneAction[]): Set<string | null> {
  return new Set(actions.filter((a) => UNSUCCESSFUL.has(a.status)).map((a) => a.lane));
}

/**
 * The actions of a lane stage that may start now (several lanes and runOrders at once):
 * a lane action once its lane's lower runOrders and the lower stage-wide actions are done; a
 * stage-wide action once every lower action is done. After a failure, by `policy`.
 */
export function startableInLanes(actions: readonly LaneAction[], policy: LaneFailurePolicy = 'stop'): LaneAction[] {
  const failed = failedLanes(actions);
  if (failed.size > 0 && policy === 'stop') return [];
  const notDoneBelow = (runOrder: number, inLane: (a: LaneAction) => boolean): boolean =>
    actions.some((a) => a.runOrder < runOrder && inLane(a) && !DONE.has(a.status));
  return actions.filter((a) => {
    if (a.status !== 'Pending') return false;
    if (a.lane === null) return failed.size === 0 && !notDoneBelow(a.runOrder, () => true);
    if (failed.has(a.lane)) return false;
    return !notDoneBelow(a.runOrder, (b) => b.lane === a.lane || b.lane === null);
  });
}

/**
 * Actions held for a window or a halt that must not start any more, because a lane failed:
 * all of the stage's under `stop`, the failed lanes' own under `continue`. They go back to
 * Pending (and end Skipped with the execution): they never started.
 */
export function heldAfterFailure(actions: readonly LaneAction[], policy: LaneFailurePolicy = 'stop'): LaneAction[] {
  const failed = failedLanes(actions);
  if (failed.size === 0) return [];
  return actions.filter((a) => a.status === 'Waiting' && HOLDS.has(a.waitingFor ?? '') && (policy === 'stop' || failed.has(a.lane)));
}

/** One step of a lane: the lane's actions of one runOrder. */
export interface LaneStepNeed {
  runOrder: number;
  /** The longest expected duration among the step's actions, ms (0 when unknown). */
  expectedMs: number;
}

/**
 * How long a lane's window must stay open for its remaining steps (from the step about to
 * start), plus the bake that follows the lane's last step (a rollout wave's): the fit check
 * holds the lane's next step for the first window with room for all of it.
 */
export function laneNeedMs(steps: readonly LaneStepNeed[], bakeMs: number): number {
  return steps.reduce((sum, step) => sum + step.expectedMs, 0) + bakeMs;
}

/** Groups a lane's actions into steps by runOrder (ascending), each with its longest expected duration. */
export function laneSteps<T extends { runOrder: number }>(actions: readonly T[], expectedMs: (action: T) => number): LaneStepNeed[] {
  const byOrder = new Map<number, number>();
  for (const a of actions) byOrder.set(a.runOrder, Math.max(byOrder.get(a.runOrder) ?? 0, expectedMs(a)));
  return [...byOrder.entries()].sort(([x], [y]) => x - y).map(([runOrder, ms]) => ({ runOrder, expectedMs: ms }));
}
