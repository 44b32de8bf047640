/**
 * Where a window's local times land on the time line: its spans as instants over a range.
 *
 * DST, by construction: a start in a skipped hour opens at the first valid instant after the
 * gap; a start in a repeated hour opens at its first occurrence; a span crossing a transition
 * keeps its real length (01:00-05:00 on a spring-forward night lasts 3 hours, on a fall-back
 * night 5). An end in a repeated hour resolves to the safe side: an allow window ends at the
 * first occurrence (the region is open less), a deny window at the last (frozen longer).
 */
import { DAY_MS, SECOND_MS, dateOfDay, dayOfWall, weekdayOfDay } from './civil.js';
import { cronMatchesDate } from './cron-days.js';
import type { DateBound, DaySpan, Schedule, Window } from './schedule.js';
import { instantOf, offsetAt, wallAt, type Occurrence, type TimeZone } from './zone.js';

/** A half-open span of instants in milliseconds. */
export interface Span {
  start: number;
  end: number;
}

export function zoneOf(window: Window, regionZone: TimeZone): TimeZone {
  return window.timeZone ?? regionZone;
}

/** Every span of `window` that overlaps [fromMs, toMs), unclipped. */
export function windowSpans(window: Window, regionZone: TimeZone, fromMs: number, toMs: number): Span[] {
  const zone = zoneOf(window, regionZone);
  const endOccurrence = window.effect === 'allow' ? 'first' : 'last';
  const spans: Span[] = [];
  const keep = (span: Span): void => {
    if (span.end > span.start && span.end > fromMs && span.start < toMs) spans.push(span);
  };
  const { schedule } = window;
  if (schedule.kind === 'dates') {
    keep({ start: boundInstant(schedule.from, zone, 'first'), end: boundInstant(schedule.to, zone, endOccurrence) });
    return spans;
  }
  // One day back for ranges that cross midnight into the first day.
  const firstDay = dayOfWall(wallAt(zone, fromMs)) - 1;
  const lastDay = dayOfWall(wallAt(zone, toMs));
  for (let day = firstDay; day <= lastDay; day++) {
    const daySpans = daySpansOf(schedule, day);
    if (daySpans.length === 0) continue;
    const midnight = day * DAY_MS;
    const offset = steadyOffset(zone, midnight);
    const instant = (wallMs: number, occurrence: Occurrence): number => (offset === undefined ? instantOf(zone, wallMs, occurrence) : wallMs - offset);
    for (const [from, to] of daySpans) keep({ start: instant(midnight + from * SECOND_MS, 'first'), end: instant(midnight + to * SECOND_MS, endOccurrence) });
  }
  return spans;
}

/**
 * The zone's offset when it is the same a day before and three days after a local midnight,
 * i.e. when no transition can touch that day's spans (they end within two days). Saves the
 * full conversion for every span of the 360-odd ordinary days a year.
 */
function steadyOffset(zone: TimeZone, midnightWall: number): number | undefined {
  const before = offsetAt(zone, midnightWall - DAY_MS);
  return offsetAt(zone, midnightWall + 3 * DAY_MS) === before ? before : undefined;
}

function daySpansOf(schedule: Exclude<Schedule, { kind: 'dates' }>, day: number): readonly DaySpan[] {
  if (schedule.kind === 'cron') return cronMatchesDate(schedule, dateOfDay(day)) ? schedule.spans : [];
  const weekday = weekdayOfDay(day);
  return schedule.ranges.filter((r) => r.weekdays.has(weekday)).map((r): DaySpan => [r.startMinute * 60, r.endMinute * 60]);
}

function boundInstant(bound: DateBound, zone: TimeZone, occurrence: 'first' | 'last'): number {
  return bound.kind === 'instant' ? bound.ms : instantOf(zone, bound.wallMs, occurrence);
}
