import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../src/domain/windows/index.js';
import { dateOfDay, dayNumber } from '../../../src/domain/windows/civil.js';
import { cronMatchesDate } from '../../../src/domain/windows/cron-days.js';
import { must } from './helpers.js';

/** The dates (YYYY-MM-DD) a cron matches in [from, to). */
function matchingDates(cron: string, from: string, to: string): string[] {
  const parsed = must(parseCron(cron));
  const dates: string[] = [];
  for (let day = Date.parse(from) / 86_400_000; day < Date.parse(to) / 86_400_000; day++) {
    const date = dateOfDay(day);
    if (cronMatchesDate(parsed, date)) dates.push(new Date(dayNumber(date) * 86_400_000).toISOString().slice(0, 10));
  }
  return dates;
}

describe('day matching', () => {
  it('L: the last day of the month, leap years included', () => {
    expect(matchingDates('0 0 0 L * ? *', '2028-01-01', '2028-05-01')).toEqual(['2028-01-31', '2028-02-29', '2028-03-31', '2028-04-30']);
    expect(matchingDates('0 0 0 L 2 ? *', '2026-01-01', '2027-01-01')).toEqual(['2026-02-28']);
  });

  it('L-3: three days before the last day', () => {
    expect(matchingDates('0 0 0 L-3 * ? *', '2026-01-01', '2026-04-01')).toEqual(['2026-01-28', '2026-02-25', '2026-03-28']);
  });

  it('LW: the last weekday of the month', () => {
    // May 2026 ends on a Sunday, October 2026 on a Saturday.
    expect(matchingDates('0 0 0 LW * ? *', '2026-05-01', '2026-06-01')).toEqual(['2026-05-29']);
    expect(matchingDates('0 0 0 LW * ? *', '2026-10-01', '2026-11-01')).toEqual(['2026-10-30']);
    expect(matchingDates('0 0 0 LW * ? *', '2026-06-01', '2026-07-01')).toEqual(['2026-06-30']);
  });

  it('W: the weekday nearest a day, never leaving the month', () => {
    // 2026-08-15 is a Saturday -> Friday 14th; 2026-03-15 a Sunday -> Monday 16th.
    expect(matchingDates('0 0 0 15W * ? *', '2026-08-01', '2026-09-01')).toEqual(['2026-08-14']);
    expect(matchingDates('0 0 0 15W * ? *', '2026-03-01', '2026-04-01')).toEqual(['2026-03-16']);
    // 2026-08-01 is a Saturday: 1W is Monday the 3rd, not Friday in July.
    expect(matchingDates('0 0 0 1W * ? *', '2026-07-25', '2026-08-10')).toEqual(['2026-08-03']);
    // 2026-05-31 is a Sunday: 31W is Friday the 29th, not Monday in June.
    expect(matchingDates('0 0 0 31W * ? *', '2026-05-01', '2026-06-05')).toEqual(['2026-05-29']);
    // No 31st in April: 31W does not match.
    expect(matchingDates('0 0 0 31W * ? *', '2026-04-01', '2026-05-01')).toEqual([]);
  });

  it('6L: the last Friday of the month', () => {
    expect(matchingDates('0 0 0 ? * 6L *', '2026-01-01', '2026-04-01')).toEqual(['2026-01-30', '2026-02-27', '2026-03-27']);
  });

  it('#: the nth weekday, and no fifth when the month has four', () => {
    expect(matchingDates('0 0 0 ? * 6#3 *', '2026-01-01', '2026-03-01')).toEqual(['2026-01-16', '2026-02-20']);
    expect(matchingDates('0 0 0 ? * MON#5 *', '2026-01-01', '2026-05-01')).toEqual(['2026-03-30']);
  });

  it('month and year fields', () => {
    expect(matchingDates('0 0 0 1 JAN,JUL ? 2027', '2026-01-01', '2028-12-31')).toEqual(['2027-01-01', '2027-07-01']);
  });
});

describe('croner agrees on the day specials it also supports', () => {
  // croner numbers weekdays like Quartz with alternativeWeekdays, spells 6L as 6#L,
  // and reads `?` as `*`, so only the day field under test differs from `*`.
  it.each([
    ['0 0 0 L * ? *', '0 0 0 L * *'],
    ['0 0 0 LW * ? *', '0 0 0 LW * *'],
    ['0 0 0 15W * ? *', '0 0 0 15W * *'],
    ['0 0 0 1W * ? *', '0 0 0 1W * *'],
    ['0 0 0 ? * 6L *', '0 0 0 * * 6#L'],
    ['0 0 0 ? * 2#1 *', '0 0 0 * * 2#1'],
    ['0 0 0 ? * 6#3 *', '0 0 0 * * 6#3'],
  ])('%s over 2026-2028', (ours, theirs) => {
    const job = new Cron(theirs, { timezone: 'UTC', alternativeWeekdays: true, paused: true });
    const runs = job.nextRuns(60, new Date('2025-12-31T23:59:59Z')).filter((d) => d < new Date('2029-01-01T00:00:00Z'));
    expect(matchingDates(ours, '2026-01-01', '2029-01-01')).toEqual(runs.map((d) => d.toISOString().slice(0, 10)));
  });
});
