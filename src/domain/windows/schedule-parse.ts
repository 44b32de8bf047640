/**
 * One entry point for a window text: a one-off date range when it starts with a date, the
 * friendly weekly form when it starts with a letter (`Mon-Fri ...`, `daily ...`), and a
 * Quartz cron otherwise. Callers that know the syntax (a DeploymentWindow rule's `Cron`)
 * call the specific parser instead.
 */
import { parseCron } from './cron-parse.js';
import { parseDates } from './dates-parse.js';
import type { Parsed } from './problems.js';
import type { Schedule } from './schedule.js';
import { parseWeekly } from './weekly-parse.js';

export function parseSchedule(text: string): Parsed<Schedule> {
  const head = text.trimStart();
  if (/^\d{4}-/.test(head)) return parseDates(text);
  if (/^[A-Za-z]/.test(head)) return parseWeekly(text);
  return parseCron(text);
}
