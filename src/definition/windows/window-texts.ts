/**
 * Checks one window text (a schedule, a time zone) with the window parsers and reports
 * their problems at the character they point at, in both formats.
 */
import type { Problem } from '../../domain/errors.js';
import { parseCron, parseSchedule, parseTimeZone, type Parsed } from '../../domain/windows/index.js';
import { problem } from '../../lib/problems.js';
import type { Locator, Path } from '../../lib/yaml/locator.js';
import { positionInText } from '../yaml/text-position.js';

export type ScheduleSyntax = 'any' | 'cron';

/** True when `text` is a valid schedule; otherwise its problems are added. */
export function checkSchedule(text: string, syntax: ScheduleSyntax, at: { locator: Locator; path: Path }, problems: Problem[]): boolean {
  return report(syntax === 'cron' ? parseCron(text) : parseSchedule(text), at, problems);
}

export function checkTimeZone(text: string, at: { locator: Locator; path: Path }, problems: Problem[]): boolean {
  return report(parseTimeZone(text), at, problems);
}

function report(result: Parsed<unknown>, at: { locator: Locator; path: Path }, problems: Problem[]): boolean {
  if (result.ok) return true;
  for (const p of result.problems) problems.push(problem(positionInText(at.locator, at.path, p.offset), p.message, p.hint));
  return false;
}
