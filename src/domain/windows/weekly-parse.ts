/**
 * Meridian's friendly window form: `Mon-Fri 01:00-05:00`, several ranges separated by commas
 * (`Mon-Fri 01:00-05:00, Sat-Sun 00:00-08:00`), day lists (`Mon,Wed 22:00-23:00`), `daily`,
 * `weekdays`, `weekends`. Times are 24-hour `HH:MM`, `24:00` allowed as an end. A range whose
 * end is not after its start crosses midnight and belongs to its start day: `Fri 22:00-02:00`
 * is Friday night into Saturday.
 */
import { parsed, problemAt, refused, type Parsed, type WindowProblem } from './problems.js';
import type { WeeklyRange, WeeklySchedule } from './schedule.js';

type Token =
  | { kind: 'word'; text: string; offset: number }
  | { kind: 'time'; text: string; offset: number; minute: number }
  | { kind: 'dash' | 'comma'; text: string; offset: number }
  | { kind: 'end'; text: ''; offset: number };

const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FULL_DAYS: Record<string, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };
const GROUPS: Record<string, number[]> = { daily: [0, 1, 2, 3, 4, 5, 6], weekdays: [1, 2, 3, 4, 5], weekends: [0, 6] };
const DAY_HINT = 'days are Mon Tue Wed Thu Fri Sat Sun (or full names), ranges such as Mon-Fri, or daily, weekdays, weekends';
const TIME_HINT = 'times are 24-hour HH:MM from 00:00 to 24:00, e.g. Mon-Fri 01:00-05:00';

export function parseWeekly(text: string): Parsed<WeeklySchedule> {
  const problems: WindowProblem[] = [];
  const tokens = tokenize(text, problems);
  if (problems.length > 0) return refused(problems);
  const ranges: WeeklyRange[] = [];
  let i = 0;
  const peek = (): Token => tokens[i] ?? { kind: 'end', text: '', offset: text.length };
  for (;;) {
    const range = parseRange(peek, () => i++, problems);
    if (range === undefined) return refused(problems);
    ranges.push(range);
    const next = peek();
    if (next.kind === 'end') break;
    if (next.kind !== 'comma') {
      problems.push(
        problemAt(
          next.offset,
          next.text.length,
          `unexpected \`${next.text}\` after a range`,
          'separate ranges with commas: Mon-Fri 01:00-05:00, Sat-Sun 00:00-08:00',
        ),
      );
      return refused(problems);
    }
    i++;
  }
  return parsed({ kind: 'weekly', text: text.trim(), ranges });
}

function parseRange(peek: () => Token, advance: () => void, problems: WindowProblem[]): WeeklyRange | undefined {
  const weekdays = parseDays(peek, advance, problems);
  if (weekdays === undefined) return undefined;
  const start = expectTime(peek(), 'a start time', problems);
  if (start === undefined) return undefined;
  advance();
  const dash = peek();
  if (dash.kind !== 'dash') {
    problems.push(problemAt(start.offset, start.text.length, 'a range needs an end time', `write a start and an end, e.g. ${start.text}-05:00`));
    return undefined;
  }
  advance();
  const end = expectTime(peek(), 'an end time', problems);
  if (end === undefined) return undefined;
  advance();
  if (start.minute === 1440) {
    problems.push(problemAt(start.offset, start.text.length, '24:00 can only end a range', 'start the range at 00:00 of the next day'));
    return undefined;
  }
  if (start.minute === end.minute) {
    problems.push(
      problemAt(start.offset, end.offset + end.text.length - start.offset, `${start.text}-${end.text} is empty`, 'for a whole day write 00:00-24:00'),
    );
    return undefined;
  }
  const endMinute = end.minute > start.minute ? end.minute : end.minute + 1440;
  return { weekdays, startMinute: start.minute, endMinute };
}

function parseDays(peek: () => Token, advance: () => void, problems: WindowProblem[]): Set<number> | undefined {
  const days = new Set<number>();
  const first = peek();
  if (first.kind === 'word' && GROUPS[first.text.toLowerCase()] !== undefined) {
    advance();
    return new Set(GROUPS[first.text.toLowerCase()]);
  }
  for (;;) {
    const from = dayOf(peek(), problems);
    if (from === undefined) return undefined;
    advance();
    let to = from;
    if (peek().kind === 'dash') {
      advance();
      const end = dayOf(peek(), problems);
      if (end === undefined) return undefined;
      advance();
      to = end;
    }
    // Mon-Fri, and wrapping ranges such as Fri-Mon.
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
    if (peek().kind !== 'comma') return days;
    advance();
  }
}

function dayOf(token: Token, problems: WindowProblem[]): number | undefined {
  if (token.kind === 'word') {
    const day = DAYS[token.text.toLowerCase()] ?? FULL_DAYS[token.text.toLowerCase()];
    if (day !== undefined) return day;
    problems.push(problemAt(token.offset, token.text.length, `\`${token.text}\` is not a day`, DAY_HINT));
    return undefined;
  }
  if (token.kind === 'time')
    problems.push(
      problemAt(token.offset, token.text.length, 'a range starts with its days', `write for example daily ${token.text}-05:00 or Mon-Fri ${token.text}-05:00`),
    );
  else if (token.kind === 'end')
    problems.push(problemAt(Math.max(0, token.offset - 1), 1, 'expected days and a time range', 'write for example Mon-Fri 01:00-05:00'));
  else problems.push(problemAt(token.offset, token.text.length, `expected a day, found \`${token.text}\``, DAY_HINT));
  return undefined;
}

function expectTime(token: Token, what: string, problems: WindowProblem[]): Extract<Token, { kind: 'time' }> | undefined {
  if (token.kind === 'time') return token;
  const found = token.kind === 'end' ? 'the end of the text' : `\`${token.text}\``;
  problems.push(
    problemAt(
      token.kind === 'end' ? Math.max(0, token.offset - 1) : token.offset,
      Math.max(1, token.text.length),
      `expected ${what}, found ${found}`,
      TIME_HINT,
    ),
  );
  return undefined;
}

function tokenize(text: string, problems: WindowProblem[]): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|(\d{1,2}):(\d{2})(?![\d:])|[A-Za-z]+|\d[\d:]*|-|,|\S/g;
  for (const match of text.matchAll(pattern)) {
    const [raw, hours, minutes] = match;
    const offset = match.index;
    if (/^\s/.test(raw)) continue;
    if (hours !== undefined && minutes !== undefined) {
      const h = Number(hours);
      const m = Number(minutes);
      if (h > 24 || m > 59 || (h === 24 && m !== 0)) problems.push(problemAt(offset, raw.length, `${raw} is not a time of day`, TIME_HINT));
      tokens.push({ kind: 'time', text: raw, offset, minute: h * 60 + m });
    } else if (/^[A-Za-z]/.test(raw)) tokens.push({ kind: 'word', text: raw, offset });
    else if (raw === '-') tokens.push({ kind: 'dash', text: raw, offset });
    else if (raw === ',') tokens.push({ kind: 'comma', text: raw, offset });
    else {
      const hint =
        raw === '–' || raw === '—' ? 'use a plain hyphen - between days and between times' : 'write days and HH:MM-HH:MM ranges, e.g. Mon-Fri 01:00-05:00';
      if (/^\d/.test(raw)) problems.push(problemAt(offset, raw.length, `${raw} is not a time of day`, TIME_HINT));
      else problems.push(problemAt(offset, raw.length, `unexpected \`${raw}\``, hint));
    }
  }
  return tokens;
}
