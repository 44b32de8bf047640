/**
 * How a cron becomes a window: the part of a matching day it allows.
 *
 * A cron names instants; a window needs intervals. The reading (docs/aws-behaviour.md §1.12): a time field
 * fixed to 0 at a finer granularity than the finest non-trivial field is ignored, and each
 * matching unit of that finest field is allowed whole. So `0 0 9-17 ? * MON-FRI *` is hours
 * 9 to 17, each whole: 09:00-18:00. `0 30 9 ...` is the minute 09:30-09:31. When seconds,
 * minutes and hours are all fixed to 0 the finest non-trivial field is the day, and the
 * whole day is allowed (`0 0 0 ? * SAT *` = every Saturday).
 */
import { DAY_SECONDS } from './civil.js';
import type { DaySpan, Granularity, ValueSet } from './schedule.js';

function isZero(values: ValueSet): boolean {
  return values.size === 1 && values.has(0);
}

export function granularityOf(seconds: ValueSet, minutes: ValueSet, hours: ValueSet): Granularity {
  if (!isZero(seconds)) return 'second';
  if (!isZero(minutes)) return 'minute';
  if (!isZero(hours)) return 'hour';
  return 'day';
}

/** The allowed spans of a matching day, sorted and merged. */
export function daySpans(granularity: Granularity, seconds: ValueSet, minutes: ValueSet, hours: ValueSet): DaySpan[] {
  if (granularity === 'day') return [[0, DAY_SECONDS]];
  const units: number[] = [];
  const size = granularity === 'hour' ? 3600 : granularity === 'minute' ? 60 : 1;
  for (const h of sorted(hours)) {
    if (granularity === 'hour') {
      units.push(h * 3600);
      continue;
    }
    for (const m of sorted(minutes)) {
      if (granularity === 'minute') units.push(h * 3600 + m * 60);
      else for (const s of sorted(seconds)) units.push(h * 3600 + m * 60 + s);
    }
  }
  const spans: Array<[number, number]> = [];
  for (const start of units) {
    const last = spans.at(-1);
    if (last !== undefined && last[1] === start) last[1] = start + size;
    else spans.push([start, start + size]);
  }
  return spans;
}

function sorted(values: ValueSet): number[] {
  return [...values].sort((a, b) => a - b);
}
