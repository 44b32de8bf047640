/**
 * `meridian plan` for a terminal: the follow-the-night table (each region's local time, its
 * next window, the estimated deploy) and a compact chart of the next 48 hours, one column per
 * hour: `█` open the whole hour, `▌` open part of it, `·` closed, `▓` a deploy step of the lane
 * plan (domain/lane-plan.ts) runs in it.
 */
import type { PlanWindow, RegionTimeline } from '../domain/plan-windows.js';
import type { RegionWindows } from '../domain/region-windows.js';
import { allowedIntervals } from '../domain/windows/index.js';

const HOUR = 3_600_000;

export function localTime(timezone: string, at: Date): string {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    }).format(at);
  } catch {
    return at.toISOString();
  }
}

/** `2026-11-27 14:00Z`: minutes are enough on a timeline. */
function short(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

function describeWindow(window: PlanWindow | null, at: Date, hasWindows: boolean): string {
  if (!hasWindows) return 'no windows: always open';
  if (window === null) return 'no window within a year';
  const open = Date.parse(window.opensAt) <= at.getTime();
  return open ? `open now, closes ${short(window.closesAt)}` : `opens ${short(window.opensAt)}, closes ${short(window.closesAt)}`;
}

export function timelineTable(timeline: RegionTimeline[], windowsOf: (region: string) => RegionWindows, at: Date): string[] {
  const rows = timeline.map((t) => [
    String(t.wave),
    t.region,
    localTime(t.timezone, at),
    describeWindow(t.window, at, windowsOf(t.region).windows.length > 0),
    t.deploy
      ? t.deploy.startsAt === t.deploy.endsAt
        ? `from ${short(t.deploy.startsAt)} (no expected duration yet)`
        : `${short(t.deploy.startsAt)} - ${short(t.deploy.endsAt)}`
      : (t.note ?? ''),
  ]);
  const header = ['wave', 'region', 'local time', 'window', 'deploy (estimate)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `deploys(region)`: the region's deploy steps in the lane plan (domain/lane-plan.ts); an empty step marks the hour it starts in. */
export function chart48h(
  timeline: RegionTimeline[],
  windowsOf: (region: string) => RegionWindows,
  at: Date,
  deploys: (region: string) => ReadonlyArray<{ startsAt: string | null; endsAt: string | null }>,
): string[] {
  const start = Math.floor(at.getTime() / HOUR) * HOUR;
  const hours = 48;
  const name = Math.max(6, ...timeline.map((t) => t.region.length));
  let labels = '';
  for (let h = 0; h < hours; h += 6) labels += new Date(start + h * HOUR).toISOString().slice(11, 13).padEnd(6);
  const lines = [`  ${'UTC'.padEnd(name)}  ${labels.trimEnd()}`];
  for (const t of timeline) {
    const region = windowsOf(t.region);
    const steps = deploys(t.region).flatMap((s) =>
      s.startsAt === null || s.endsAt === null ? [] : [{ startsAt: Date.parse(s.startsAt), endsAt: Date.parse(s.endsAt) }],
    );
    const open =
      region.windows.length === 0
        ? [{ opensAt: new Date(start), closesAt: new Date(start + hours * HOUR) }]
        : allowedIntervals(region.windows, region.zone, new Date(start), new Date(start + hours * HOUR));
    let row = '';
    for (let h = 0; h < hours; h++) {
      const a = start + h * HOUR;
      const b = a + HOUR;
      const deploying = steps.some(({ startsAt, endsAt }) => startsAt < b && (endsAt > a || startsAt >= a));
      const covered = open.reduce((sum, i) => sum + Math.max(0, Math.min(b, i.closesAt.getTime()) - Math.max(a, i.opensAt.getTime())), 0);
      row += deploying ? '▓' : covered >= HOUR ? '█' : covered > 0 ? '▌' : '·';
    }
    lines.push(`  ${t.region.padEnd(name)}  ${row}`);
  }
  return lines;
}
