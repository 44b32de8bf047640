/**
 * The fit check: the first instant at or after `now` from which the region stays open for
 * `needMs` (an action's expected duration plus the wave's bake time). Starts are searched
 * `horizonDays` ahead (366 by default, see evaluate.ts); the interval holding a start may run
 * past the horizon by at most `needMs`.
 */
import { openRuns } from './open-set.js';
import { horizonMs, type SearchOptions } from './evaluate.js';
import type { Window } from './schedule.js';
import type { TimeZone } from './zone.js';

export type Fit =
  | {
      fits: true;
      /** `now` when it fits right away, else the opening of the first interval long enough. */
      startAt: Date;
      /** `startAt` + `needMs`. */
      endsAt: Date;
      /** When the open interval holding it closes; null when that is past the search. */
      closesAt: Date | null;
    }
  | {
      fits: false;
      /** The last start instant considered. */
      searchedUntil: Date;
      /** The longest open stretch seen from `now` on (0 when the region never opens). */
      longestMs: number;
    };

export function fitCheck(windows: readonly Window[], zone: TimeZone, now: Date, needMs: number, options?: SearchOptions): Fit {
  const t = now.getTime();
  const lastStart = t + horizonMs(options);
  const until = lastStart + Math.max(0, needMs);
  let longestMs = 0;
  for (const run of openRuns(windows, zone, t, until)) {
    if (run.start > lastStart) break;
    longestMs = Math.max(longestMs, run.end - run.start);
    if (run.end - run.start >= needMs) {
      return {
        fits: true,
        startAt: new Date(run.start),
        endsAt: new Date(run.start + needMs),
        closesAt: run.end >= until ? null : new Date(run.end),
      };
    }
  }
  return { fits: false, searchedUntil: new Date(lastStart), longestMs };
}
