/**
 * The windows `meridian plan` shows, computed by the same functions the engine judges with
 * (windowStateAt, fitCheck), so the instants agree:
 *
 * - a region's `window`: the first allowed interval that ends after `at` (`opensAt` earlier
 *   than `at` when it is open then), or null when the region has no windows;
 * - a stage's `window`: its DeploymentWindow rules (BeforeEntry), else the window of the one
 *   region all its gated actions deploy to, else null;
 * - the follow-the-night timeline: per region, in wave order, when its deploy would start
 *   (the fit check from the end of the previous wave) and end, with the expected durations.
 */
import type { Pipeline, Stage } from './pipeline.js';
import { cronWindow, isGatedByWindows, windowsOfRegion, type RegionWindows } from './region-windows.js';
import { fitCheck, windowStateAt } from './windows/index.js';

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
  window: PlanWindow | null;
  /** Expected duration of the region's gated actions, ms. */
  expectedMs: number;
  deploy: { startsAt: string; endsAt: string } | null;
  /** Why there is no estimate. */
  note?: string;
}

/**
 * `durationOf(stage, action)`: the action's expected duration (declared, or the median of its
 * last successful runs), ms. Regions of a wave start together from the end of the previous
 * wave plus its bake time, each at the first moment its window has room.
 */
export function followTheNight(pipeline: Pipeline, at: Date, durationOf: (stage: string, action: string) => number): RegionTimeline[] {
  const waves = pipeline.rollout?.waves ?? [pipeline.regions.map((r) => r.name)];
  const bakeMs = pipeline.rollout?.bakeMs ?? 0;
  const out: RegionTimeline[] = [];
  let from = at.getTime();
  waves.forEach((wave, w) => {
    let waveEnd = from;
    for (const name of wave) {
      const region = pipeline.regions.find((r) => r.name === name);
      if (!region) continue;
      const windows = windowsOfRegion(pipeline, name);
      const expectedMs = pipeline.stages.reduce((sum, stage) => sum + stage.actions.filter((a) => a.region === name && isGatedByWindows(a)).reduce((s, a) => s + durationOf(stage.name, a.name), 0), 0);
      const entry: RegionTimeline = { region: name, timezone: region.timezone, wave: w + 1, window: planWindow(windows, new Date(from)), expectedMs, deploy: null };
      const fit = fitCheck(windows.windows, windows.zone, new Date(from), expectedMs + bakeMs);
      if (fit.fits) {
        const endsAt = fit.startAt.getTime() + expectedMs;
        entry.deploy = { startsAt: fit.startAt.toISOString(), endsAt: new Date(endsAt).toISOString() };
        waveEnd = Math.max(waveEnd, endsAt + bakeMs);
      } else {
        entry.note = fit.longestMs === 0 ? 'never open within a year' : 'no window within a year is long enough';
      }
      out.push(entry);
    }
    from = waveEnd;
  });
  return out;
}
