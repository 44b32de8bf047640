import { parseSchedule, parseTimeZone, type Interval, type Parsed, type TimeZone, type Window, type WindowProblem } from '../../../src/domain/windows/index.js';

export function must<T>(result: Parsed<T>): T {
  if (!result.ok) throw new Error(`expected to parse, got: ${result.problems.map((p) => `${p.offset}: ${p.message}`).join('; ')}`);
  return result.value;
}

export function problemsOf<T>(result: Parsed<T>): WindowProblem[] {
  if (result.ok) throw new Error('expected problems, it parsed');
  return result.problems;
}

/** The one problem, with the text it points at, for compact assertions. */
export function theProblem<T>(text: string, parse: (text: string) => Parsed<T>): WindowProblem & { at: string } {
  const problems = problemsOf(parse(text));
  if (problems.length !== 1) throw new Error(`expected one problem, got ${problems.length}: ${problems.map((p) => p.message).join('; ')}`);
  const [p] = problems as [WindowProblem];
  return { ...p, at: text.slice(p.offset, p.offset + p.length) };
}

export function zone(name: string): TimeZone {
  return must(parseTimeZone(name));
}

export function allow(text: string, timeZone?: string): Window {
  return { effect: 'allow', schedule: must(parseSchedule(text)), ...(timeZone === undefined ? {} : { timeZone: zone(timeZone) }) };
}

export function deny(text: string, reason?: string): Window {
  return { effect: 'deny', schedule: must(parseSchedule(text)), ...(reason === undefined ? {} : { reason }) };
}

export const at = (iso: string): Date => new Date(iso);

export function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString().replace('.000Z', 'Z');
}

export function spans(intervals: Interval[]): string[] {
  return intervals.map((i) => `${iso(i.opensAt)} - ${iso(i.closesAt)}`);
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
