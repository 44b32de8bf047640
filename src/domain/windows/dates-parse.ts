/**
 * One-off windows, mostly freezes: `2026-12-20 00:00 to 2027-01-04 00:00`, ISO 8601
 * (`2026-12-20T00:00/2027-01-04T00:00`, with `Z` or `+01:00` for absolute instants), or dates
 * alone. A date alone covers its whole day, so `2026-12-24 to 2026-12-26` is three days and
 * `2026-12-25` is Christmas Day. Without `Z` or an offset the times are read in the window's
 * time zone, like every other window.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, isValidDate } from './civil.js';
import { parsed, problemAt, refused, type Parsed, type WindowProblem } from './problems.js';
import type { DateBound, DatesSchedule } from './schedule.js';

const POINT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const HINT = 'write YYYY-MM-DD HH:MM to YYYY-MM-DD HH:MM (e.g. 2026-12-20 00:00 to 2027-01-04 00:00), or dates alone for whole days';

interface Point {
  bound: DateBound;
  dateOnly: boolean;
}

export function parseDates(text: string): Parsed<DatesSchedule> {
  // ISO 8601's interval slash only between two dates, so `2026/12/20` reads as one bad date.
  const separator = /\s+to\s+|\s*\/\s*(?=\d{4}-)/i.exec(text);
  const problems: WindowProblem[] = [];
  const firstText = separator ? text.slice(0, separator.index) : text;
  const from = parsePoint(firstText, 0, problems);
  let to: Point | undefined;
  if (separator) {
    const offset = separator.index + separator[0].length;
    to = parsePoint(text.slice(offset), offset, problems);
  }
  if (from === undefined || (separator && to === undefined)) return refused(problems);
  if (to === undefined) {
    if (!from.dateOnly) return refused([problemAt(0, text.trimEnd().length, 'a one-off window needs an end', `add one: ${text.trim()} to ...`)]);
    to = from;
  }
  const end = to.dateOnly ? nextDay(to.bound) : to.bound;
  if (from.bound.kind === end.kind && valueOf(end) <= valueOf(from.bound)) {
    const at = separator ? separator.index + separator[0].length : 0;
    return refused([problemAt(at, text.length - at, 'the window ends before it starts', HINT)]);
  }
  return parsed({ kind: 'dates', text: text.trim(), from: from.bound, to: end });
}

function parsePoint(raw: string, base: number, problems: WindowProblem[]): Point | undefined {
  const offset = base + (raw.length - raw.trimStart().length);
  const text = raw.trim();
  const m = POINT.exec(text);
  if (!m) {
    problems.push(problemAt(offset, text.length, text === '' ? 'a date is missing' : `\`${text}\` is not a date and time`, HINT));
    return undefined;
  }
  const [, y, mo, d, h, mi, s, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (!isValidDate(year, month, day)) {
    problems.push(problemAt(offset, 10, `${y}-${mo}-${d} is not a date`, HINT));
    return undefined;
  }
  const hours = Number(h ?? '0');
  const minutes = Number(mi ?? '0');
  const seconds = Number(s ?? '0');
  if (hours > 24 || minutes > 59 || seconds > 59 || (hours === 24 && minutes + seconds > 0)) {
    problems.push(problemAt(offset + 11, text.length - 11, `${h ?? ''}:${mi ?? ''} is not a time of day`, 'times are HH:MM from 00:00 to 24:00'));
    return undefined;
  }
  const wallMs = Date.UTC(year, month - 1, day) + hours * HOUR_MS + minutes * MINUTE_MS + seconds * SECOND_MS;
  const dateOnly = h === undefined;
  if (zone === undefined) return { bound: { kind: 'local', wallMs }, dateOnly };
  const offsetMs = zoneOffsetMs(zone);
  if (offsetMs === undefined) {
    problems.push(problemAt(offset + text.length - zone.length, zone.length, `\`${zone}\` is not a UTC offset`, 'write Z or an offset such as +01:00'));
    return undefined;
  }
  return { bound: { kind: 'instant', ms: wallMs - offsetMs }, dateOnly };
}

function zoneOffsetMs(zone: string): number | undefined {
  if (zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[3]) > 59 || minutes > 14 * 60) return undefined;
  return (m[1] === '-' ? -1 : 1) * minutes * MINUTE_MS;
}

function nextDay(bound: DateBound): DateBound {
  return bound.kind === 'local' ? { kind: 'local', wallMs: bound.wallMs + DAY_MS } : { kind: 'instant', ms: bound.ms + DAY_MS };
}

function valueOf(bound: DateBound): number {
  return bound.kind === 'local' ? bound.wallMs : bound.ms;
}
