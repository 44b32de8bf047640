/**
 * The plan of a deploy, as `meridian plan` computes it (domain/plan-windows.ts: the engine's own
 * window functions): per region its next window (the first allowed interval that ends after
 * `at`), when its deploy would start and end (its steps in the lane plan, domain/lane-plan.ts:
 * lanes, rollout waves, bake, expected durations and the fit check, as the engine runs them),
 * for the chart its allowed intervals over a 48-hour span, and every lane's steps.
 * Pure: the caller passes the instant and the expected durations.
 */
import type { Pipeline } from '../../domain/pipeline.js';
import { planLanes, type DurationOf, type LanePlan } from '../../domain/lane-plan.js';
import { followTheNight, planWindow, type PlanWindow } from '../../domain/plan-windows.js';
import { windowsOfRegion } from '../../domain/region-windows.js';
import { allowedIntervals } from '../../domain/windows/index.js';

const HOUR = 3_600_000;
/** The span shown: a little of the past, so "now" is not on the edge, and the rest ahead. */
export const SPAN = { beforeMs: 4 * HOUR, afterMs: 44 * HOUR };

/** One region of `GET /api/pipelines/{name}/plan`; the dashboard imports this type (web/src/api/types.ts). */
export interface PlanRegion {
  name: string;
  timezone: string;
  /** The window texts as declared; empty when the region is always open. */
  windows: Array<{ effect: 'allow' | 'deny'; schedule: string; reason?: string }>;
  openNow: boolean;
  /** The first allowed interval that ends after `at` (null: none within the horizon, or no windows). */
  window: PlanWindow | null;
  /** Allowed intervals within the timeline, clipped to it. */
  intervals: PlanWindow[];
  /** 1-based rollout wave. */
  wave: number;
  /** Expected duration of the region's deploy steps (each the longest of its actions: declared, or the median of past runs), ms. */
  expectedMs: number;
  /** When the region's deploy would start and end if an execution started at `at`: its first lane step's start, its last one's end (as `meridian plan`). */
  plannedStart: string | null;
  plannedEnd: string | null;
  /** Why there is no planned start. */
  note: string | null;
}

export interface PlanView {
  pipeline: string;
  at: string;
  from: string;
  to: string;
  windowsConfigured: boolean;
  /** `disruptive-only`: windows hold only disruptive executions; `always` (or absent): every one. */
  policy: string;
  regions: PlanRegion[];
  /**
   * Each lane of each stage with its steps, as an execution that windows hold runs them: the
   * `lanes` of `meridian plan --json` (domain/lane-plan.ts), the instants the engine uses.
   */
  lanes: LanePlan[];
}

export function planView(pipeline: Pipeline, at: Date, durationOf: DurationOf): PlanView {
  const from = new Date(at.getTime() - SPAN.beforeMs);
  const to = new Date(at.getTime() + SPAN.afterMs);
  const { lanes } = planLanes(pipeline, at, durationOf);
  const timeline = new Map(followTheNight(pipeline, at, durationOf, lanes).map((entry) => [entry.region, entry]));
  const regions = pipeline.regions.map((region): PlanRegion => {
    const windows = windowsOfRegion(pipeline, region.name);
    const window = planWindow(windows, at);
    const planned = timeline.get(region.name);
    return {
      name: region.name,
      timezone: region.timezone,
      windows: (region.windows ?? []).map((w) => ({ effect: w.effect, schedule: w.schedule, ...(w.reason === undefined ? {} : { reason: w.reason }) })),
      openNow: windows.windows.length === 0 || (window !== null && Date.parse(window.opensAt) <= at.getTime()),
      window,
      intervals:
        windows.windows.length === 0
          ? []
          : allowedIntervals(windows.windows, windows.zone, from, to).map((i) => ({ opensAt: i.opensAt.toISOString(), closesAt: i.closesAt.toISOString() })),
      wave: planned?.wave ?? 1,
      expectedMs: planned?.expectedMs ?? 0,
      plannedStart: planned?.deploy?.startsAt ?? null,
      plannedEnd: planned?.deploy?.endsAt ?? null,
      note: planned?.note ?? null,
    };
  });
  return {
    pipeline: pipeline.name,
    at: at.toISOString(),
    from: from.toISOString(),
    to: to.toISOString(),
    windowsConfigured: regions.some((r) => r.windows.length > 0),
    policy: pipeline.windowPolicy ?? 'always',
    regions,
    lanes,
  };
}
