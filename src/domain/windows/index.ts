/**
 * Deployment windows: when a region accepts deployments. Pure: no clock, no I/O; every
 * function takes the instant it judges. The engine (waiting actions, fit check), `plan` and
 * `validate` call these; the definition layer turns a parser's problems into FILE:LINE:COL.
 *
 * Parse (each returns `{ ok: true, value }` or `{ ok: false, problems }`, every problem with a
 * 0-based `offset` and `length` into the given text, a message, and a hint saying what to write):
 *   parseCron(text)       CodePipeline DeploymentWindow `Cron` (Quartz, 6 fields + optional year)
 *   parseWeekly(text)     `Mon-Fri 01:00-05:00, Sat-Sun 00:00-08:00`, `daily 01:00-05:00`
 *   parseDates(text)      one-off `2026-12-20 00:00 to 2027-01-04 00:00`, ISO dates
 *   parseSchedule(text)   any of the three, told apart by how the text starts
 *   parseTimeZone(text)   `Region/City`, `UTC`, `UTC±HH:MM`; one-zone all-year abbreviations read, others refused with candidates
 *
 * A Window is `{ effect: 'allow' | 'deny', schedule, timeZone?, reason? }`; a region's windows
 * are read in its zone unless a window carries its own. Deny wins over allow; no allow windows
 * means open except when denied; no windows at all means always open.
 *
 * Evaluate (instants are Dates; intervals are half-open [opensAt, closesAt)):
 *   windowStateAt(windows, zone, at, options?)   open: openedAt, closesAt and what closes it;
 *                                                closed: the Closure (deny window and reason,
 *                                                or "outside ..."), opensAt and its closesAt
 *   isOpen(windows, zone, at)                    boolean
 *   allowedIntervals(windows, zone, from, to)    Interval[] clipped to [from, to)
 *   fitCheck(windows, zone, now, needMs, options?)  first start >= now with needMs of room
 * Searches look `horizonDays` (default 366) ahead; past it the answer is null / no fit.
 *
 * DST: a window starting in a skipped hour opens at the first valid instant after it; in a
 * repeated hour at its first occurrence; spans keep their real length. See docs/windows.md.
 */
export { parseCron } from './cron-parse.js';
export { parseDates } from './dates-parse.js';
export { parseSchedule } from './schedule-parse.js';
export { parseTimeZone } from './time-zone-parse.js';
export { parseWeekly } from './weekly-parse.js';
export { DEFAULT_HORIZON_DAYS, allowedIntervals, isOpen, windowStateAt, type SearchOptions, type WindowState } from './evaluate.js';
export { fitCheck, type Fit } from './fit.js';
export type { Closure } from './closure.js';
export type { Parsed, WindowProblem } from './problems.js';
export type { CronSchedule, DatesSchedule, Granularity, Interval, Schedule, WeeklySchedule, Window, WindowEffect } from './schedule.js';
export { UTC, type TimeZone } from './zone.js';
