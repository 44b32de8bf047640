/** How a cron becomes a window: the reading of docs/aws-behaviour.md §1.12, cases on the hour and off it. */
import { describe, expect, it } from 'vitest';
import { UTC, allowedIntervals, isOpen, parseCron } from '../../../src/domain/windows/index.js';
import { allow, at, must, spans } from './helpers.js';

const week = (text: string): string[] => spans(allowedIntervals([allow(text)], UTC, at('2026-01-12T00:00:00Z'), at('2026-01-19T00:00:00Z')));

describe('a cron as an interval', () => {
  it('`0 0 9-17 ? * MON-FRI *` is Mon-Fri 09:00-18:00: each matching hour whole', () => {
    expect(week('0 0 9-17 ? * MON-FRI *')).toEqual([
      '2026-01-12T09:00:00Z - 2026-01-12T18:00:00Z',
      '2026-01-13T09:00:00Z - 2026-01-13T18:00:00Z',
      '2026-01-14T09:00:00Z - 2026-01-14T18:00:00Z',
      '2026-01-15T09:00:00Z - 2026-01-15T18:00:00Z',
      '2026-01-16T09:00:00Z - 2026-01-16T18:00:00Z',
    ]);
    expect(must(parseCron('0 0 9-17 ? * MON-FRI *')).granularity).toBe('hour');
  });

  it('on the hour, and the hour after the last', () => {
    const windows = [allow('0 0 9-17 ? * MON-FRI *')];
    expect(isOpen(windows, UTC, at('2026-01-14T09:00:00Z'))).toBe(true);
    expect(isOpen(windows, UTC, at('2026-01-14T17:00:00Z'))).toBe(true);
    expect(isOpen(windows, UTC, at('2026-01-14T10:30:00Z'))).toBe(true);
    expect(isOpen(windows, UTC, at('2026-01-14T18:00:00Z'))).toBe(false);
    expect(isOpen(windows, UTC, at('2026-01-14T08:00:00Z'))).toBe(false);
    expect(isOpen(windows, UTC, at('2026-01-17T12:00:00Z'))).toBe(false); // Saturday
  });

  it('`*` in the finer fields reads the same', () => {
    expect(week('* * 9-17 ? * MON-FRI *')).toEqual(week('0 0 9-17 ? * MON-FRI *'));
    expect(week('0 * 9-17 ? * MON-FRI *')).toEqual(week('0 0 9-17 ? * MON-FRI *'));
  });

  it('a minute that is not 0 makes minutes the unit', () => {
    const cron = must(parseCron('0 30 9 ? * MON *'));
    expect(cron.granularity).toBe('minute');
    expect(week('0 30 9 ? * MON *')).toEqual(['2026-01-12T09:30:00Z - 2026-01-12T09:31:00Z']);
    expect(week('0 0-29 9 ? * MON *')).toEqual(['2026-01-12T09:00:00Z - 2026-01-12T09:30:00Z']);
  });

  it('seconds only count when they are not 0', () => {
    expect(must(parseCron('*/30 0 9 ? * MON *')).granularity).toBe('second');
    expect(week('0-9 0 9 ? * MON *')).toEqual(['2026-01-12T09:00:00Z - 2026-01-12T09:00:10Z']);
  });

  it('everything fixed to 0 leaves the day as the unit: the whole day', () => {
    expect(must(parseCron('0 0 0 ? * SAT *')).granularity).toBe('day');
    expect(week('0 0 0 ? * SAT,SUN *')).toEqual(['2026-01-17T00:00:00Z - 2026-01-19T00:00:00Z']);
  });

  it('lists of hours give several intervals a day; hours 0 count once finer fields are not 0', () => {
    expect(week('0 0 1,3 ? * MON *')).toEqual(['2026-01-12T01:00:00Z - 2026-01-12T02:00:00Z', '2026-01-12T03:00:00Z - 2026-01-12T04:00:00Z']);
    expect(week('0 0-59 0 ? * MON *')).toEqual(['2026-01-12T00:00:00Z - 2026-01-12T01:00:00Z']);
  });

  it('each field is matched on the same day: wrapped hours do not cross midnight', () => {
    // Hours 22-2 on Fridays: Friday 00:00-03:00 and Friday 22:00-24:00.
    expect(week('0 0 22-2 ? * FRI *')).toEqual(['2026-01-16T00:00:00Z - 2026-01-16T03:00:00Z', '2026-01-16T22:00:00Z - 2026-01-17T00:00:00Z']);
    // Consecutive matching days join across midnight.
    expect(week('0 0 22-2 ? * FRI-SAT *')).toEqual([
      '2026-01-16T00:00:00Z - 2026-01-16T03:00:00Z',
      '2026-01-16T22:00:00Z - 2026-01-17T03:00:00Z',
      '2026-01-17T22:00:00Z - 2026-01-18T00:00:00Z',
    ]);
  });
});
