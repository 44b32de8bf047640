/**
 * The fields of a Quartz cron as CodePipeline's DeploymentWindow rule documents them, and the
 * parser for a plain field: `*`, values, names, lists `,`, ranges `-` (a range may wrap, as in
 * Quartz: hours `22-2` are 22, 23, 0, 1, 2) and steps `/`. The specials `? L W #` are handled
 * by cron-parse.ts, which knows which field allows which.
 */
import { problemAt, type WindowProblem } from './problems.js';

export interface FieldDef {
  name: string;
  min: number;
  max: number;
  /** Names for min, min+1, ... (months, weekdays). */
  names?: readonly string[];
  /** Whether a range may wrap around (not for years). */
  wraps: boolean;
  hint: string;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export const SECONDS: FieldDef = { name: 'seconds', min: 0, max: 59, wraps: true, hint: 'seconds take 0-59 or *; a window usually writes 0' };
export const MINUTES: FieldDef = { name: 'minutes', min: 0, max: 59, wraps: true, hint: 'minutes take 0-59 with , - * /' };
export const HOURS: FieldDef = { name: 'hours', min: 0, max: 23, wraps: true, hint: 'hours take 0-23 with , - * /' };
export const DAY_OF_MONTH: FieldDef = {
  name: 'day-of-month',
  min: 1,
  max: 31,
  wraps: true,
  hint: 'day-of-month takes 1-31 with , - * / or one of ? L L-3 LW 15W',
};
export const MONTH: FieldDef = { name: 'month', min: 1, max: 12, names: MONTHS, wraps: true, hint: 'month takes 1-12 or JAN-DEC with , - * /' };
export const DAY_OF_WEEK: FieldDef = {
  name: 'day-of-week',
  min: 1,
  max: 7,
  names: WEEKDAYS,
  wraps: true,
  hint: 'day-of-week takes 1-7 (1 = SUN, 7 = SAT) or SUN-SAT with , - * /, or one of ? L 6L 6#3',
};
export const YEAR: FieldDef = { name: 'year', min: 1970, max: 2199, wraps: false, hint: 'year takes 1970-2199 with , - * /' };

export const FIELD_ORDER = 'seconds minutes hours day-of-month month day-of-week [year]';

type Result<T> = { value: T; problems: [] } | { value: undefined; problems: WindowProblem[] };

/** A number or a name of `def`, at `offset` in the whole cron text. */
export function fieldValue(def: FieldDef, token: string, offset: number): Result<number> {
  let value: number | undefined;
  if (/^\d+$/.test(token)) value = Number(token);
  else if (def.names !== undefined) {
    const index = def.names.indexOf(token.toUpperCase());
    if (index >= 0) value = def.min + index;
  }
  if (value === undefined) {
    const what =
      def.names !== undefined && /^[A-Za-z]+$/.test(token)
        ? `\`${token}\` is not a ${def.name === 'month' ? 'month' : 'day'} name`
        : `\`${token}\` is not a value of ${def.name}`;
    return { value: undefined, problems: [problemAt(offset, token.length, what, def.hint)] };
  }
  if (value < def.min || value > def.max) {
    const extra = def === DAY_OF_WEEK && value === 0 ? '; Quartz counts 1 = SUN ... 7 = SAT' : '';
    return { value: undefined, problems: [problemAt(offset, token.length, `${def.name} ${value} is out of range ${def.min}-${def.max}${extra}`, def.hint)] };
  }
  return { value, problems: [] };
}

const ITEM = /^(\*|[0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?(?:\/(\d+))?$/;

/** A plain field (`*`, lists, ranges, steps, names) at `offset` in the cron text. */
export function parsePlainField(def: FieldDef, text: string, offset: number): Result<Set<number>> {
  const values = new Set<number>();
  const problems: WindowProblem[] = [];
  let at = offset;
  for (const item of text.split(',')) {
    problems.push(...parseItem(def, item, at, values));
    at += item.length + 1;
  }
  return problems.length > 0 ? { value: undefined, problems } : { value: values, problems: [] };
}

function parseItem(def: FieldDef, item: string, offset: number, into: Set<number>): WindowProblem[] {
  if (item === '') return [problemAt(offset, 1, `an empty item in ${def.name}`, def.hint)];
  const match = ITEM.exec(item);
  if (!match) {
    const bad = /[^0-9A-Za-z*,\-/]/.exec(item);
    const where = bad ? offset + bad.index : offset;
    const message = bad ? `\`${bad[0]}\` is not allowed in ${def.name}` : `\`${item}\` is not a ${def.name} item`;
    return [problemAt(where, bad ? 1 : item.length, message, def.hint)];
  }
  const [, first = '', last, stepText] = match;
  const problems: WindowProblem[] = [];
  const step = stepText === undefined ? 1 : Number(stepText);
  const stepOffset = offset + item.lastIndexOf('/') + 1;
  if (stepText !== undefined && (step < 1 || step > def.max - def.min)) {
    problems.push(
      problemAt(
        stepOffset,
        stepText.length,
        `step ${stepText} does not fit ${def.name} (${def.min}-${def.max})`,
        `write a step from 1 to ${def.max - def.min}, e.g. */15`,
      ),
    );
  }
  if (first === '*') {
    if (last !== undefined) problems.push(problemAt(offset, item.length, `\`*\` cannot start a range in ${def.name}`, def.hint));
    if (problems.length === 0) for (let v = def.min; v <= def.max; v += step) into.add(v);
    return problems;
  }
  const start = fieldValue(def, first, offset);
  problems.push(...start.problems);
  let end = start.value;
  if (last !== undefined) {
    const parsedEnd = fieldValue(def, last, offset + first.length + 1);
    problems.push(...parsedEnd.problems);
    end = parsedEnd.value;
  } else if (stepText !== undefined) {
    end = def.max; // `a/n`: from a to the end of the field
  }
  if (start.value === undefined || end === undefined || problems.length > 0) return problems;
  let to = end;
  if (to < start.value) {
    if (!def.wraps) return [problemAt(offset, item.length, `the range ${item} runs backwards`, `write the smaller ${def.name} first`)];
    to += def.max - def.min + 1;
  }
  const size = def.max - def.min + 1;
  for (let v = start.value; v <= to; v += step) into.add(v > def.max ? v - size : v);
  return [];
}
