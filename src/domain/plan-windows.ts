/**
 * The windows `meridian plan` shows, computed by the same functions the engine judges with
 * (windowStateAt, fitCheck), so the instants agree:
 *
 * - a region's `window`: the first allowed interval that ends after `at` (`opensAt` earlier
 *   than `at` when it is open then), or null when the region has no windows;
 * - a stage's `window`: its DeploymentWindow rules (BeforeEntry), else the window of the one
 *   region all its gated actions deploy to, else null;
 * - the follow-the-night timeline: per region, in wave order, when its deploy would start
 *   and end: its steps in the lane plan (domain/lane-plan.ts), which follows the engine.
 */
import { NEVER_NOTE, planLanes, type DurationOf, type LanePlan, type LanePlanStep } from './lane-plan.js';
import type { Pipeline, Stage } from './pipeline.js';
import { cronWindow, isGatedByWindows, windowsOfRegion, type RegionWindows } from './region-windows.js';
import { windowStateAt } from './windows/index.js';

export interface PlanWindow {
  opensAt: string;
  closesAt: string;
}

export function planWindow(region: RegionWindows, at: Date): PlanWindow | null {
  if (region.windows.length === 0) return null;
  const state = windowStateAt(region.windows, region.zone, at);
  if (state.open) {
    if (state.closesAt === null) return null;
    return { opensAt: (state.openedAt ?? at).toISOString(), closesAt: state.closesAt.toISOString() };
  }
  return state.opensAt === null || state.closesAt === null ? null : { opensAt: state.opensAt.toISOString(), closesAt: state.closesAt.toISOString() };
}

export function stageWindow(pipeline: Pipeline, stage: Stage, at: Date): PlanWindow | null {
  const rules = (stage.conditions?.beforeEntry ?? []).flatMap((c) => c.rules).filter((r) => r.kind === 'DeploymentWindow');
  const [rule] = rules;
  if (rule !== undefined) return planWindow(cronWindow(rule.cron, rule.timezone), at);
  const regions = [...new Set(stage.actions.filter(isGatedByWindows).map((a) => a.region))];
  const [only] = regions;
  return regions.length === 1 && only !== undefined ? planWindow(windowsOfRegion(pipeline, only), at) : null;
}

export interface RegionTimeline {
  region: string;
  timezone: string;
  /** 1-based wave (1 when the pipeline has no rollout). */
  wave: number;
  /** The window its first deploy step runs in (else the first that ends after `at`). */
  window: PlanWindow | null;
  /** Expected duration of the region's deploy steps (each the longest of its actions), ms. */
  expectedMs: number;
  /** From its first deploy step's start to its last one's end, in the lane plan. */
  deploy: { startsAt: string; endsAt: string } | null;
  /** Why there is no estimate. */
  note?: string;
}

/**
 * Per region, its deploy in the lane plan (domain/lane-plan.ts): the steps of its lanes that
 * hold a window-gated action, from the first one's start to the last one's end, so the table
 * and the lanes agree. `lanes` defaults to the plan of an execution started at `at`.
 */
export function followTheNight(
  pipeline: Pipeline,
  at: Date,
  durationOf: DurationOf,
  lanes: readonly LanePlan[] = planLanes(pipeline, at, durationOf).lanes,
): RegionTimeline[] {
  const waves = pipeline.rollout?.waves ?? [pipeline.regions.map((r) => r.name)];
  const out: RegionTimeline[] = [];
  waves.forEach((wave, w) => {
    for (const name of wave) {
      const region = pipeline.regions.find((r) => r.name === name);
      if (!region) continue;
      const steps = deploySteps(pipeline, lanes, name);
      const entry: RegionTimeline = {
        region: name,
        timezone: region.timezone,
        wave: w + 1,
        window: steps[0]?.window ?? planWindow(windowsOfRegion(pipeline, name), at),
        expectedMs: steps.reduce((sum, s) => sum + s.expectedMs, 0),
        deploy: null,
      };
      const stuck = steps.find((s) => s.startsAt === null || s.endsAt === null);
      const starts = steps.map((s) => s.startsAt ?? '').sort();
      const ends = steps.map((s) => s.endsAt ?? '').sort();
      const [first] = starts;
      const last = ends.at(-1);
      if (stuck !== undefined)
        entry.note = stuck.note === NEVER_NOTE ? 'waits for a step no window within a year fits' : 'no window within a year is long enough';
      else if (first !== undefined && last !== undefined) entry.deploy = { startsAt: first, endsAt: last };
      else entry.note = 'nothing deploys to it';
      out.push(entry);
    }
  });
  return out;
}

/** A region's steps, stage by stage, that hold an action its windows gate (stage-wide ones included: they run in the home region). */
export function deploySteps(pipeline: Pipeline, lanes: readonly LanePlan[], region: string): LanePlanStep[] {
  const gated = new Set(
    pipeline.stages.flatMap((stage) => stage.actions.filter((a) => a.region === region && isGatedByWindows(a)).map((a) => `${stage.name}/${a.name}`)),
  );
  return lanes
    .filter((lane) => lane.region === region || lane.region === null)
    .flatMap((lane) => lane.steps.filter((step) => step.actions.some((name) => gated.has(`${lane.stage}/${name}`))));
}
