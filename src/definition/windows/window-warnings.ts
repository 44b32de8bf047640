/**
 * Warnings about windows that `meridian validate` prints without failing: a definition can
 * be valid and still never deploy. Judged over the year after `now`:
 *
 * - a window that never occurs (a date in the past, `0 0 0 31 FEB ? *`, an allow window a
 *   deny window covers), and a region that never opens;
 * - a region whose longest window cannot hold its expected durations plus the bake time;
 * - regions of one wave that are never open at the same time (next 14 days).
 */
import type { Problem } from '../../domain/errors.js';
import type { Pipeline, SourceLocation } from '../../domain/pipeline.js';
import { isGatedByWindows, regionWindows, windowsOfRegion } from '../../domain/region-windows.js';
import { formatSpan } from '../../domain/window-gate.js';
import { allowedIntervals, fitCheck, type Interval } from '../../domain/windows/index.js';
import { problem } from '../../lib/problems.js';

const DAY = 86_400_000;
const YEAR = 366 * DAY;
const OVERLAP_DAYS = 14;

export function windowWarnings(pipeline: Pipeline, now: Date): Problem[] {
  const warnings: Problem[] = [];
  const fileStart: SourceLocation = { file: pipeline.file, line: 1, col: 1 };
  const until = new Date(now.getTime() + YEAR);
  const reported = new Set<string>();
  for (const region of pipeline.regions) {
    const windows = region.windows ?? [];
    if (windows.length === 0) continue;
    for (const window of windows) {
      const key = `${window.effect}:${window.schedule}:${window.timezone ?? region.timezone}:${JSON.stringify(window.location)}`;
      if (reported.has(key)) continue;
      const alone = regionWindows({ timezone: region.timezone, windows: [{ ...window, effect: 'allow' }] });
      if (allowedIntervals(alone.windows, alone.zone, now, until).length === 0) {
        reported.add(key);
        warnings.push(
          problem(
            window.location ?? fileStart,
            `${window.effect} window \`${window.schedule}\` does not occur in the year after ${now.toISOString().slice(0, 10)} (in ${window.timezone ?? region.timezone})`,
            'remove it, or write a window that occurs',
          ),
        );
      }
    }
    const parsed = windowsOfRegion(pipeline, region.name);
    const where = windows[0]?.location ?? fileStart;
    if (allowedIntervals(parsed.windows, parsed.zone, now, until).length === 0) {
      warnings.push(
        problem(
          where,
          `region ${region.name} is never open in the next year: its deny windows cover its allow windows, or these never occur`,
          'check the allow and deny windows that apply to this region',
        ),
      );
      continue;
    }
    const needMs = expectedOf(pipeline, region.name) + (pipeline.rollout?.bakeMs ?? 0);
    if (needMs > 0) {
      const fit = fitCheck(parsed.windows, parsed.zone, now, needMs);
      if (!fit.fits) {
        warnings.push(
          problem(
            pipeline.rollout?.location ?? where,
            `in region ${region.name}, ${formatSpan(needMs)} (expected durations and bake time) fits in no window of the next year; the longest is ${formatSpan(fit.longestMs)}`,
            'shorten the bake time or the expected durations, or widen the windows',
          ),
        );
      }
    }
  }
  for (const [w, wave] of (pipeline.rollout?.waves ?? []).entries()) {
    const open = wave.map((name) => ({ name, intervals: openOver(pipeline, name, now) })).filter((r) => r.intervals !== null);
    if (open.length < 2) continue;
    const common = open.slice(1).reduce<Interval[]>((acc, r) => intersect(acc, r.intervals ?? []), open[0]?.intervals ?? []);
    if (common.length === 0) {
      warnings.push(
        problem(
          pipeline.rollout?.location ?? fileStart,
          `the regions of wave ${w + 1} (${open.map((r) => r.name).join(', ')}) are never open at the same time in the next ${OVERLAP_DAYS} days`,
          'put regions whose windows overlap in one wave, or give the wave a window they share',
        ),
      );
    }
  }
  return warnings;
}

function expectedOf(pipeline: Pipeline, region: string): number {
  return pipeline.stages
    .flatMap((s) => s.actions)
    .filter((a) => a.region === region && isGatedByWindows(a))
    .reduce((sum, a) => sum + (a.expectedDurationMs ?? 0), 0);
}

/** A region's open intervals over the next days; null when it has no windows (always open). */
function openOver(pipeline: Pipeline, region: string, now: Date): Interval[] | null {
  const parsed = windowsOfRegion(pipeline, region);
  if (parsed.windows.length === 0) return null;
  return allowedIntervals(parsed.windows, parsed.zone, now, new Date(now.getTime() + OVERLAP_DAYS * DAY));
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.opensAt.getTime(), y.opensAt.getTime());
      const end = Math.min(x.closesAt.getTime(), y.closesAt.getTime());
      if (start < end) out.push({ opensAt: new Date(start), closesAt: new Date(end) });
    }
  }
  return out;
}
