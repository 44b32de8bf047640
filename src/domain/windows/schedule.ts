/**
 * The window model. A Schedule says *when* (a Quartz cron, weekly ranges, or one-off dates);
 * a Window says what that time means for a region (allow or deny) and, for deny windows, why.
 * Schedules are read in a time zone: the window's own (a DeploymentWindow rule's TimeZone)
 * or else the region's.
 */
import type { TimeZone } from './zone.js';

/** A set of whole values of one cron field (seconds, minutes, hours, months, years). */
export type ValueSet = ReadonlySet<number>;

/** Day-of-month field of a Quartz cron. */
export type DayOfMonth =
  | { kind: 'unspecified' } // `?`
  | { kind: 'values'; values: ValueSet } // `*`, lists, ranges, steps
  | { kind: 'last'; offset: number; weekday: boolean } // `L`, `L-3`, `LW`
  | { kind: 'nearest-weekday'; day: number }; // `15W`

/** Day-of-week field of a Quartz cron, in Quartz numbering (1 = Sunday ... 7 = Saturday). */
export type DayOfWeek =
  | { kind: 'unspecified' } // `?`
  | { kind: 'values'; values: ValueSet } // `*`, `MON-FRI`, `L` alone (= 7)
  | { kind: 'last'; weekday: number } // `6L`: the last Friday of the month
  | { kind: 'nth'; weekday: number; nth: number }; // `6#3`: the third Friday

/** How fine a cron window is: each matching unit of this size is allowed whole. */
export type Granularity = 'second' | 'minute' | 'hour' | 'day';

/** [start, end) seconds since local midnight; `end` may pass 86400 when a span crosses midnight. */
export type DaySpan = readonly [number, number];

export interface CronSchedule {
  kind: 'cron';
  text: string;
  seconds: ValueSet;
  minutes: ValueSet;
  hours: ValueSet;
  dayOfMonth: DayOfMonth;
  months: ValueSet;
  dayOfWeek: DayOfWeek;
  /** null when the year field is absent or `*`. */
  years: ValueSet | null;
  granularity: Granularity;
  /** The allowed part of every matching day, merged. */
  spans: readonly DaySpan[];
}

/** One friendly range: `Mon-Fri 01:00-05:00`. A range that crosses midnight belongs to its start day. */
export interface WeeklyRange {
  /** JavaScript weekdays, 0 = Sunday. */
  weekdays: ReadonlySet<number>;
  startMinute: number;
  /** Minutes after the start day's midnight; above 1440 when the range crosses midnight. */
  endMinute: number;
}

export interface WeeklySchedule {
  kind: 'weekly';
  text: string;
  ranges: readonly WeeklyRange[];
}

/** A local wall time, or an absolute instant when the text carried `Z` or an offset. */
export type DateBound = { kind: 'local'; wallMs: number } | { kind: 'instant'; ms: number };

export interface DatesSchedule {
  kind: 'dates';
  text: string;
  from: DateBound;
  to: DateBound;
}

export type Schedule = CronSchedule | WeeklySchedule | DatesSchedule;

export type WindowEffect = 'allow' | 'deny';

export interface Window {
  effect: WindowEffect;
  schedule: Schedule;
  /** Overrides the region's zone for this window (a DeploymentWindow rule's TimeZone). */
  timeZone?: TimeZone;
  /** Why a deny window exists ("year-end freeze"); shown when it keeps a region closed. */
  reason?: string;
}

/** A half-open interval of instants: open at `opensAt`, closed again at `closesAt`. */
export interface Interval {
  opensAt: Date;
  closesAt: Date;
}
