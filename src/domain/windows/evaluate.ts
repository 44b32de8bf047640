/**
 * Is a region open at an instant, until when, and if not, when does it open and why not.
 * Pure functions of (windows, zone, instant): the engine passes its clock's `now`.
 *
 * Searches run `horizonDays` ahead (and as far back, for when the current interval opened):
 * 366 by default, enough to reach a window that recurs once a year (a cron limited to one
 * month, a yearly freeze). A window rarer than that (29 February, a year field) needs a
 * longer horizon; an answer beyond the horizon is `null`, never a guess.
 */
import { DAY_MS } from './civil.js';
import { MeridianError } from '../errors.js';
import { closureAt, type Closure } from './closure.js';
import { openRuns, openSince, openSpans } from './open-set.js';
import type { Interval, Window } from './schedule.js';
import type { TimeZone } from './zone.js';

export const DEFAULT_HORIZON_DAYS = 366;

export interface SearchOptions {
  horizonDays?: number;
}

export type WindowState =
  | {
      open: true;
      /** When the current allowed interval opened; null when open for the whole look-back (or no windows). */
      openedAt: Date | null;
      /** When it closes: the end of the allowed interval, cut by the next deny; null beyond the horizon. */
      closesAt: Date | null;
      /** What closes it at `closesAt`. */
      closesBecause: Closure | null;
    }
  | {
      open: false;
      closure: Closure;
      /** When it next opens; null when not within the horizon. */
      opensAt: Date | null;
      /** When that next interval closes; null when not within the horizon. */
      closesAt: Date | null;
    };

export function horizonMs(options: SearchOptions | undefined): number {
  return (options?.horizonDays ?? DEFAULT_HORIZON_DAYS) * DAY_MS;
}

export function windowStateAt(windows: readonly Window[], zone: TimeZone, at: Date, options?: SearchOptions): WindowState {
  const t = at.getTime();
  if (windows.length === 0) return { open: true, openedAt: null, closesAt: null, closesBecause: null };
  const horizon = horizonMs(options);
  const until = t + horizon;
  const next = openRuns(windows, zone, t, until).next();
  const run = next.done === true ? undefined : next.value;
  const closesAt = run === undefined || run.end >= until ? null : run.end;
  if (run !== undefined && run.start === t) {
    const since = openSince(windows, zone, t, t - horizon);
    return {
      open: true,
      openedAt: since === undefined ? null : new Date(since),
      closesAt: closesAt === null ? null : new Date(closesAt),
      closesBecause: closesAt === null ? null : closureAt(windows, zone, closesAt),
    };
  }
  const closure = closureAt(windows, zone, t);
  // The open set is empty exactly where closureAt finds a reason; keep the two in step.
  if (closure === null) throw new MeridianError('INTERNAL', `window evaluation disagrees with itself at ${at.toISOString()}`);
  return {
    open: false,
    closure,
    opensAt: run === undefined ? null : new Date(run.start),
    closesAt: closesAt === null ? null : new Date(closesAt),
  };
}

/** Is the region open at `at`? (No windows: always.) */
export function isOpen(windows: readonly Window[], zone: TimeZone, at: Date): boolean {
  const t = at.getTime();
  return openSpans(windows, zone, t, t + 1).length > 0;
}

/**
 * The allowed intervals between two instants, clipped to them, merged where they touch:
 * what a 48-hour timeline draws. No windows: the whole range.
 */
export function allowedIntervals(windows: readonly Window[], zone: TimeZone, from: Date, to: Date): Interval[] {
  const intervals: Interval[] = [];
  for (const run of openRuns(windows, zone, from.getTime(), to.getTime())) intervals.push({ opensAt: new Date(run.start), closesAt: new Date(run.end) });
  return intervals;
}
