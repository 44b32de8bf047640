import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../src/domain/windows/index.js';
import { must, problemsOf, theProblem } from './helpers.js';

const sorted = (values: ReadonlySet<number> | null): number[] | null => (values === null ? null : [...values].sort((a, b) => a - b));

describe('parseCron reads Quartz fields', () => {
  it("CodePipeline's example", () => {
    const cron = must(parseCron('0 0 9-17 ? * MON-FRI *'));
    expect(sorted(cron.hours)).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(cron.dayOfMonth).toEqual({ kind: 'unspecified' });
    expect(cron.dayOfWeek.kind === 'values' && sorted(cron.dayOfWeek.values)).toEqual([2, 3, 4, 5, 6]); // Quartz: 1 = SUN
    expect(sorted(cron.months)).toHaveLength(12);
    expect(cron.years).toBeNull();
  });

  it('six fields: the year is optional', () => {
    expect(must(parseCron('0 0 1 ? * SUN')).years).toBeNull();
    expect(sorted(must(parseCron('0 0 1 ? * SUN 2026,2028-2029')).years)).toEqual([2026, 2028, 2029]);
  });

  it('names are case-insensitive, numbers and names mix', () => {
    const cron = must(parseCron('0 0 1 ? jan-Mar,12 mon,3,FrI *'));
    expect(sorted(cron.months)).toEqual([1, 2, 3, 12]);
    expect(cron.dayOfWeek.kind === 'values' && sorted(cron.dayOfWeek.values)).toEqual([2, 3, 6]);
  });

  it('steps and lists', () => {
    expect(sorted(must(parseCron('0 0/15 * ? * * *')).minutes)).toEqual([0, 15, 30, 45]);
    expect(sorted(must(parseCron('0 */20 * ? * * *')).minutes)).toEqual([0, 20, 40]);
    expect(sorted(must(parseCron('0 5/20 * ? * * *')).minutes)).toEqual([5, 25, 45]);
    expect(sorted(must(parseCron('0 0 1-10/3 ? * * *')).hours)).toEqual([1, 4, 7, 10]);
    expect(sorted(must(parseCron('0 0 1,3,5 ? * * *')).hours)).toEqual([1, 3, 5]);
  });

  it('ranges wrap as in Quartz', () => {
    expect(sorted(must(parseCron('0 0 22-2 ? * * *')).hours)).toEqual([0, 1, 2, 22, 23]);
    const weekend = must(parseCron('0 0 0 ? * FRI-MON *')).dayOfWeek;
    expect(weekend.kind === 'values' && sorted(weekend.values)).toEqual([1, 2, 6, 7]);
  });

  it('the day specials', () => {
    expect(must(parseCron('0 0 0 L * ? *')).dayOfMonth).toEqual({ kind: 'last', offset: 0, weekday: false });
    expect(must(parseCron('0 0 0 L-3 * ? *')).dayOfMonth).toEqual({ kind: 'last', offset: 3, weekday: false });
    expect(must(parseCron('0 0 0 LW * ? *')).dayOfMonth).toEqual({ kind: 'last', offset: 0, weekday: true });
    expect(must(parseCron('0 0 0 15W * ? *')).dayOfMonth).toEqual({ kind: 'nearest-weekday', day: 15 });
    expect(must(parseCron('0 0 0 ? * 6L *')).dayOfWeek).toEqual({ kind: 'last', weekday: 6 });
    expect(must(parseCron('0 0 0 ? * friL *')).dayOfWeek).toEqual({ kind: 'last', weekday: 6 });
    expect(must(parseCron('0 0 0 ? * 6#3 *')).dayOfWeek).toEqual({ kind: 'nth', weekday: 6, nth: 3 });
    expect(must(parseCron('0 0 0 ? * MON#1 *')).dayOfWeek).toEqual({ kind: 'nth', weekday: 2, nth: 1 });
    const saturday = must(parseCron('0 0 0 ? * L *')).dayOfWeek; // L alone in day-of-week is Saturday
    expect(saturday.kind === 'values' && sorted(saturday.values)).toEqual([7]);
  });

  it('keeps the text, trimmed, to describe the window', () => {
    expect(must(parseCron('  0 0 9-17 ? * MON-FRI *  ')).text).toBe('0 0 9-17 ? * MON-FRI *');
  });
});

describe('parseCron refuses malformed input, with a column and a hint', () => {
  it('a wrong number of fields', () => {
    const problem = theProblem('0 0 9-17 ? *', parseCron);
    expect(problem.message).toBe('a DeploymentWindow cron has 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]); found 5 fields');
    expect(problem.offset).toBe(0);
  });

  it('a Unix cron, with the Quartz spelling as the hint', () => {
    expect(theProblem('0 9 * * 1-5', parseCron).hint).toContain('`0 0 9 ? * 1-5 *`');
    expect(theProblem('0 1 * * *', parseCron).hint).toContain('`0 0 1 * * ? *`');
  });

  it('a value out of range, pointing at it', () => {
    expect(theProblem('0 0 25 ? * MON *', parseCron)).toMatchObject({
      offset: 4,
      length: 2,
      at: '25',
      message: 'hours 25 is out of range 0-23',
      hint: 'hours take 0-23 with , - * /',
    });
    expect(theProblem('0 60 1 ? * MON *', parseCron).at).toBe('60');
    expect(theProblem('0 0 1 32 * ? *', parseCron).at).toBe('32');
    expect(theProblem('0 0 1 ? 13 MON *', parseCron).at).toBe('13');
    expect(theProblem('0 0 1 ? * MON 2200', parseCron).at).toBe('2200');
  });

  it('day-of-week 0, with the Quartz numbering in the message', () => {
    expect(theProblem('0 0 1 ? * 0-4 *', parseCron)).toMatchObject({
      at: '0',
      message: 'day-of-week 0 is out of range 1-7; Quartz counts 1 = SUN ... 7 = SAT',
    });
  });

  it('an unknown name', () => {
    expect(theProblem('0 0 1 ? * MON-FRY *', parseCron)).toMatchObject({ offset: 14, at: 'FRY', message: '`FRY` is not a day name' });
    expect(theProblem('0 0 1 ? JANUARY MON *', parseCron)).toMatchObject({ at: 'JANUARY', message: '`JANUARY` is not a month name' });
  });

  it('`?` in both day fields, or in neither', () => {
    expect(theProblem('0 0 1 ? * ? *', parseCron)).toMatchObject({ offset: 10, hint: 'write * in one of them, e.g. `0 0 1 ? * * *`' });
    expect(theProblem('0 0 1 * * MON *', parseCron)).toMatchObject({
      at: '*',
      offset: 6,
      message: 'day-of-month and day-of-week are both set; Quartz needs `?` in one of them',
      hint: 'write `0 0 1 ? * MON *`',
    });
    expect(theProblem('0 0 1 15 * *', parseCron)).toMatchObject({ at: '*', offset: 11, hint: 'write `0 0 1 15 * ?`' });
  });

  it('`?` outside the day fields', () => {
    expect(theProblem('0 ? 1 ? * MON *', parseCron)).toMatchObject({
      offset: 2,
      message: '`?` is only allowed in day-of-month and day-of-week',
      hint: 'write * for every minute',
    });
  });

  it('specials in the wrong field or combined with lists', () => {
    expect(theProblem('0 0 1 ? * 6W *', parseCron)).toMatchObject({ at: 'W', message: '`W` is only allowed in day-of-month' });
    expect(theProblem('0 0 1 3#2 * ? *', parseCron)).toMatchObject({ at: '#', message: '`#` is only allowed in day-of-week' });
    expect(theProblem('0 0 1 1,L * ? *', parseCron)).toMatchObject({ at: 'L', message: '`L` must stand alone in day-of-month (L, L-3, LW or 15W)' });
    expect(theProblem('0 0 1 ? * 5-6L *', parseCron)).toMatchObject({ at: 'L' });
    expect(theProblem('0 0 L ? * MON *', parseCron)).toMatchObject({ at: 'L', message: '`L` is not a value of hours' });
  });

  it('a sixth Friday, and an L offset past the start of the month', () => {
    expect(theProblem('0 0 1 ? * FRI#6 *', parseCron)).toMatchObject({ at: '6', message: '#6: a month has at most five of each weekday' });
    expect(theProblem('0 0 1 L-31 * ? *', parseCron).hint).toContain('L-0 to L-30');
  });

  it('bad steps and empty list items', () => {
    expect(theProblem('0 0/0 1 ? * MON *', parseCron)).toMatchObject({ at: '0', offset: 4, message: 'step 0 does not fit minutes (0-59)' });
    expect(theProblem('0 0 0/24 ? * MON *', parseCron).at).toBe('24');
    expect(theProblem('0 0 1,,2 ? * MON *', parseCron)).toMatchObject({ offset: 6, message: 'an empty item in hours' });
    expect(theProblem('0 0 1 ? * MON 2027-2026', parseCron)).toMatchObject({ message: 'the range 2027-2026 runs backwards' });
  });

  it('a character no field takes', () => {
    expect(theProblem('0 0 1;2 ? * MON *', parseCron)).toMatchObject({ offset: 5, at: ';', message: '`;` is not allowed in hours' });
  });

  it('reports every problem at once', () => {
    expect(problemsOf(parseCron('0 61 25 ? * FRY *')).map((p) => p.offset)).toEqual([2, 5, 12]);
  });
});
