/**
 * CodePipeline's DeploymentWindow `Cron`: Quartz-style, six fields and an optional year,
 * `seconds minutes hours day-of-month month day-of-week [year]`, with `, - * / ? L W #`,
 * names case-insensitive, and `?` in exactly one of day-of-month and day-of-week.
 *
 * CodePipeline's table lists only `*` for seconds, yet its own example writes `0`; Quartz
 * takes 0-59, and so does this parser. How the result becomes an interval: cron-time.ts.
 */
import { DAY_OF_MONTH, DAY_OF_WEEK, FIELD_ORDER, HOURS, MINUTES, MONTH, SECONDS, YEAR, fieldValue, parsePlainField, type FieldDef } from './cron-fields.js';
import { daySpans, granularityOf } from './cron-time.js';
import { parsed, problemAt, refused, type Parsed, type WindowProblem } from './problems.js';
import type { CronSchedule, DayOfMonth, DayOfWeek } from './schedule.js';

interface Token {
  text: string;
  offset: number;
}

const EXAMPLE = '`0 0 9-17 ? * MON-FRI *` (Mon-Fri, 09:00-18:00)';

export function parseCron(text: string): Parsed<CronSchedule> {
  const tokens = [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], offset: m.index }));
  if (tokens.length !== 6 && tokens.length !== 7) return refused([fieldCountProblem(text, tokens)]);
  const [sec, min, hour, dom, month, dow, year] = tokens as [Token, Token, Token, Token, Token, Token, Token | undefined];
  const problems: WindowProblem[] = [];
  const plain = (def: FieldDef, token: Token): Set<number> => {
    if (token.text === '?') {
      problems.push(
        problemAt(
          token.offset,
          1,
          `\`?\` is only allowed in day-of-month and day-of-week`,
          `write * for every ${def.name === 'year' ? 'year' : def.name.replace(/s$/, '')}`,
        ),
      );
      return new Set();
    }
    const result = parsePlainField(def, token.text, token.offset);
    problems.push(...result.problems);
    return result.value ?? new Set();
  };
  const seconds = plain(SECONDS, sec);
  const minutes = plain(MINUTES, min);
  const hours = plain(HOURS, hour);
  const months = plain(MONTH, month);
  const years = year === undefined || year.text === '*' ? null : plain(YEAR, year);
  const dayOfMonth = parseDayOfMonth(dom, problems);
  const dayOfWeek = parseDayOfWeek(dow, problems);
  if (dayOfMonth !== undefined && dayOfWeek !== undefined) problems.push(...questionMarkProblems(tokens, dayOfMonth, dayOfWeek));
  if (problems.length > 0 || dayOfMonth === undefined || dayOfWeek === undefined) return refused(problems);
  const granularity = granularityOf(seconds, minutes, hours);
  return parsed({
    kind: 'cron',
    text: text.trim(),
    seconds,
    minutes,
    hours,
    dayOfMonth,
    months,
    dayOfWeek,
    years,
    granularity,
    spans: daySpans(granularity, seconds, minutes, hours),
  });
}

function fieldCountProblem(text: string, tokens: Token[]): WindowProblem {
  const found = `found ${tokens.length} field${tokens.length === 1 ? '' : 's'}`;
  const message = `a DeploymentWindow cron has 6 or 7 fields (${FIELD_ORDER}); ${found}`;
  const start = tokens[0]?.offset ?? 0;
  const length = Math.max(1, text.trimEnd().length - start);
  if (tokens.length === 5) {
    // A Unix cron: no seconds, and `*` where Quartz wants `?`.
    const [m, h, dom, mon, dow] = tokens.map((t) => t.text) as [string, string, string, string, string];
    const quartz = dow === '*' ? `0 ${m} ${h} ${dom} ${mon} ? *` : `0 ${m} ${h} ? ${mon} ${dow} *`;
    return problemAt(start, length, message, `this looks like a 5-field Unix cron: add seconds in front and ? for the unused day field, e.g. \`${quartz}\``);
  }
  return problemAt(start, length, message, `write for example ${EXAMPLE}`);
}

function parseDayOfMonth(token: Token, problems: WindowProblem[]): DayOfMonth | undefined {
  const { text, offset } = token;
  if (text === '?') return { kind: 'unspecified' };
  const last = /^L(?:-(\d+))?(W)?$/i.exec(text);
  if (last) {
    const back = Number(last[1] ?? '0');
    if (back > 30) {
      problems.push(
        problemAt(
          offset,
          text.length,
          `L-${back} reaches before the first day of every month`,
          'write L-0 to L-30, e.g. L-3 for three days before the last day',
        ),
      );
      return undefined;
    }
    return { kind: 'last', offset: back, weekday: last[2] !== undefined };
  }
  const weekday = /^(\d+)W$/i.exec(text);
  if (weekday) {
    const day = fieldValue(DAY_OF_MONTH, weekday[1] ?? '', offset);
    problems.push(...day.problems);
    return day.value === undefined ? undefined : { kind: 'nearest-weekday', day: day.value };
  }
  const special = /[LW#]/i.exec(text);
  if (special) {
    const message = special[0] === '#' ? '`#` is only allowed in day-of-week' : `\`${special[0]}\` must stand alone in day-of-month (L, L-3, LW or 15W)`;
    problems.push(problemAt(offset + special.index, 1, message, DAY_OF_MONTH.hint));
    return undefined;
  }
  const values = parsePlainField(DAY_OF_MONTH, text, offset);
  problems.push(...values.problems);
  return values.value === undefined ? undefined : { kind: 'values', values: values.value };
}

function parseDayOfWeek(token: Token, problems: WindowProblem[]): DayOfWeek | undefined {
  const { text, offset } = token;
  if (text === '?') return { kind: 'unspecified' };
  if (/^L$/i.test(text)) return { kind: 'values', values: new Set([7]) }; // Quartz: `L` alone is Saturday
  const last = /^([0-9A-Za-z]+?)L$/i.exec(text);
  if (last) {
    const day = fieldValue(DAY_OF_WEEK, last[1] ?? '', offset);
    problems.push(...day.problems);
    return day.value === undefined ? undefined : { kind: 'last', weekday: day.value };
  }
  const nth = /^([0-9A-Za-z]+)#(\d+)$/.exec(text);
  if (nth) {
    const day = fieldValue(DAY_OF_WEEK, nth[1] ?? '', offset);
    problems.push(...day.problems);
    const n = Number(nth[2]);
    if (n < 1 || n > 5) {
      const at = offset + text.indexOf('#') + 1;
      problems.push(
        problemAt(at, text.length - (at - offset), `#${n}: a month has at most five of each weekday`, 'write #1 to #5, e.g. FRI#3 for the third Friday'),
      );
      return undefined;
    }
    return day.value === undefined ? undefined : { kind: 'nth', weekday: day.value, nth: n };
  }
  // Look for stray specials with day names blanked out first: WED holds a W, and the
  // replacement keeps offsets in place.
  const special = /[LW#?]/i.exec(text.replace(/[A-Za-z]{3}/g, (name) => (/^(SUN|MON|TUE|WED|THU|FRI|SAT)$/i.test(name) ? '___' : name)));
  if (special) {
    const message =
      special[0].toUpperCase() === 'W' ? '`W` is only allowed in day-of-month' : `\`${special[0]}\` must stand alone in day-of-week (L, 6L, FRI#3 or ?)`;
    problems.push(problemAt(offset + special.index, 1, message, DAY_OF_WEEK.hint));
    return undefined;
  }
  const values = parsePlainField(DAY_OF_WEEK, text, offset);
  problems.push(...values.problems);
  return values.value === undefined ? undefined : { kind: 'values', values: values.value };
}

/** Quartz: one of day-of-month and day-of-week is `?`, never both, never neither. */
function questionMarkProblems(tokens: Token[], dom: DayOfMonth, dow: DayOfWeek): WindowProblem[] {
  const [, , , domToken, , dowToken] = tokens as [Token, Token, Token, Token, Token, Token];
  const rewrite = (index: number, value: string): string => tokens.map((t, i) => (i === index ? value : t.text)).join(' ');
  if (dom.kind === 'unspecified' && dow.kind === 'unspecified') {
    return [problemAt(dowToken.offset, 1, '`?` in both day-of-month and day-of-week leaves no day', `write * in one of them, e.g. \`${rewrite(5, '*')}\``)];
  }
  if (dom.kind !== 'unspecified' && dow.kind !== 'unspecified') {
    const domIsAll = domToken.text === '*';
    const token = domIsAll ? domToken : dowToken;
    return [
      problemAt(
        token.offset,
        token.text.length,
        'day-of-month and day-of-week are both set; Quartz needs `?` in one of them',
        `write \`${rewrite(domIsAll ? 3 : 5, '?')}\``,
      ),
    ];
  }
  return [];
}
