/**
 * Which local dates a Quartz cron matches: month, year, and day-of-month or day-of-week
 * (Quartz requires `?` in one of the two, so they never combine).
 */
import { daysInMonth, dayNumber, weekdayOfDay, type LocalDate } from './civil.js';
import type { CronSchedule, DayOfMonth, DayOfWeek } from './schedule.js';

export function cronMatchesDate(cron: CronSchedule, date: LocalDate): boolean {
  if (!cron.months.has(date.month)) return false;
  if (cron.years !== null && !cron.years.has(date.year)) return false;
  return matchesDayOfMonth(cron.dayOfMonth, date) && matchesDayOfWeek(cron.dayOfWeek, date);
}

function matchesDayOfMonth(field: DayOfMonth, date: LocalDate): boolean {
  const last = daysInMonth(date.year, date.month);
  switch (field.kind) {
    case 'unspecified':
      return true;
    case 'values':
      return field.values.has(date.day);
    case 'last': {
      const target = last - field.offset;
      if (target < 1) return false;
      return date.day === (field.weekday ? nearestWeekday(date, target, last) : target);
    }
    case 'nearest-weekday':
      return field.day <= last && date.day === nearestWeekday(date, field.day, last);
  }
}

/**
 * Quartz `W`: the weekday nearest `target` without leaving the month. A Saturday moves to the
 * Friday before (or the Monday after when it is the 1st); a Sunday to the Monday after (or the
 * Friday before when it is the month's last day).
 */
function nearestWeekday(date: LocalDate, target: number, last: number): number {
  const weekday = weekdayOfDay(dayNumber({ year: date.year, month: date.month, day: target }));
  if (weekday === 6) return target === 1 ? 3 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
}

function matchesDayOfWeek(field: DayOfWeek, date: LocalDate): boolean {
  const quartzWeekday = weekdayOfDay(dayNumber(date)) + 1;
  switch (field.kind) {
    case 'unspecified':
      return true;
    case 'values':
      return field.values.has(quartzWeekday);
    case 'last':
      return quartzWeekday === field.weekday && date.day + 7 > daysInMonth(date.year, date.month);
    case 'nth':
      return quartzWeekday === field.weekday && Math.ceil(date.day / 7) === field.nth;
  }
}
