/**
 * A rollout stage: a stage whose gated actions deploy to several regions, in a pipeline with
 * `rollout:`. Its regions go in waves: each region runs its own actions by runOrder (a lane),
 * a wave's regions run together (at most `maxParallel` at once), and the next wave starts only
 * once every region of the previous one succeeded and baked for `bakeMs`. Pure: the engine
 * passes the actions and the instant; failures are left to nextStep (running actions finish,
 * then the stage fails).
 */
import type { ActionStatus } from './execution.js';
import type { Action, Rollout, Stage } from './pipeline.js';
import { isGatedByWindows } from './region-windows.js';

export interface LaneAction {
  actionIndex: number;
  region: string;
  runOrder: number;
  status: ActionStatus;
  endedAt: string | null;
}

export type LaneStep =
  /** Start these actions now. */
  | { kind: 'start'; actionIndexes: number[] }
  /** Wave `wave` (0-based) has deployed and bakes until `until`; nothing else starts. */
  | { kind: 'bake'; wave: number; regions: string[]; since: Date; until: Date }
  /** Actions run; nothing can start yet. */
  | { kind: 'wait' }
  /** Not the rollout's to decide: every wave baked, or something failed (nextStep decides). */
  | { kind: 'defer' };

const RUNNING: ReadonlySet<ActionStatus> = new Set(['InProgress', 'Waiting']);
const UNSUCCESSFUL: ReadonlySet<ActionStatus> = new Set(['Failed', 'Abandoned', 'Stopped']);
const DONE: ReadonlySet<ActionStatus> = new Set(['Succeeded', 'Skipped']);

/** Does the rollout order this stage's actions? */
export function isRolloutStage(rollout: Rollout | undefined, stage: Pick<Stage, 'actions'>): boolean {
  if (rollout === undefined) return false;
  return new Set(stage.actions.filter((a: Action) => isGatedByWindows(a)).map((a) => a.region)).size > 1;
}

/**
 * `checkedUntil(wave)`: the instant up to which the wave's health checks have passed. With
 * checks, a bake ends only once they passed at or after its end; a wave whose successor has
 * started is over whatever the checks say (a restart forgets them, not the rollout).
 */
export function laneStep(
  rollout: Rollout,
  actions: readonly LaneAction[],
  now: Date,
  checkedUntil: (wave: number) => number | undefined = () => undefined,
): LaneStep {
  if (actions.some((a) => UNSUCCESSFUL.has(a.status))) return { kind: 'defer' };
  const listed = new Set(rollout.waves.flat());
  // Regions no wave names go first, with the first wave (compile refuses them for native definitions).
  const waves = rollout.waves.map((wave, w) => (w === 0 ? [...wave, ...[...new Set(actions.map((a) => a.region))].filter((r) => !listed.has(r))] : wave));
  for (const [w, wave] of waves.entries()) {
    const inWave = actions.filter((a) => wave.includes(a.region));
    if (inWave.length === 0) continue;
    if (inWave.every((a) => DONE.has(a.status))) {
      const since = Math.max(...inWave.map((a) => (a.endedAt === null ? 0 : Date.parse(a.endedAt))));
      const until = since + rollout.bakeMs;
      const laterStarted = actions.some(
        (a) => !wave.includes(a.region) && waves.slice(w + 1).some((later) => later.includes(a.region)) && a.status !== 'Pending',
      );
      const checksPending = rollout.checks.length > 0 && (checkedUntil(w) ?? Number.NEGATIVE_INFINITY) < until;
      if (!laterStarted && (now.getTime() < until || checksPending))
        return { kind: 'bake', wave: w, regions: wave, since: new Date(since), until: new Date(until) };
      continue;
    }
    return startable(wave, inWave, rollout.maxParallel);
  }
  return { kind: 'defer' };
}

/** In each region of the wave, the next runOrder once the lower ones succeeded; at most `maxParallel` regions busy. */
function startable(wave: readonly string[], inWave: readonly LaneAction[], maxParallel: number | undefined): LaneStep {
  const busy = (region: string): boolean =>
    inWave.some(
      (a) => a.region === region && (RUNNING.has(a.status) || (DONE.has(a.status) && inWave.some((b) => b.region === region && b.status === 'Pending'))),
    );
  let active = wave.filter(busy).length;
  const start: number[] = [];
  for (const region of wave) {
    const lane = inWave.filter((a) => a.region === region);
    if (lane.some((a) => RUNNING.has(a.status))) continue;
    const pending = lane.filter((a) => a.status === 'Pending');
    if (pending.length === 0) continue;
    if (!busy(region)) {
      if (maxParallel !== undefined && active >= maxParallel) continue;
      active += 1;
    }
    const runOrder = Math.min(...pending.map((a) => a.runOrder));
    start.push(...pending.filter((a) => a.runOrder === runOrder).map((a) => a.actionIndex));
  }
  return start.length > 0 ? { kind: 'start', actionIndexes: start } : { kind: 'wait' };
}
