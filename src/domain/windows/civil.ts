/**
 * Calendar arithmetic on local dates and wall times, with no time zone: a wall time is the
 * number of milliseconds a local date and time would be if it were UTC. Date.UTC is used as
 * a pure calendar function here; nothing reads the clock.
 */

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const DAY_SECONDS = 86_400;

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
}

/** Days since 1970-01-01 of a local date. */
export function dayNumber(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;
}

export function dateOfDay(dayNo: number): LocalDate {
  const d = new Date(dayNo * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday ... 6 = Saturday (JavaScript's numbering; the Quartz parser converts). */
export function weekdayOfDay(dayNo: number): number {
  // 1970-01-01 was a Thursday.
  return (((dayNo + 4) % 7) + 7) % 7;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isValidDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The local day a wall time falls on. */
export function dayOfWall(wallMs: number): number {
  return Math.floor(wallMs / DAY_MS);
}
