import { describe, expect, it } from 'vitest';
import { UTC, allowedIntervals, parseWeekly } from '../../../src/domain/windows/index.js';
import { allow, at, must, problemsOf, spans, theProblem } from './helpers.js';

const ranges = (text: string): Array<[number[], number, number]> =>
  must(parseWeekly(text)).ranges.map((r) => [[...r.weekdays].sort((a, b) => a - b), r.startMinute, r.endMinute]);

describe('parseWeekly reads', () => {
  it('a day range and a time range', () => {
    expect(ranges('Mon-Fri 01:00-05:00')).toEqual([[[1, 2, 3, 4, 5], 60, 300]]);
  });

  it('several ranges', () => {
    expect(ranges('Mon-Fri 01:00-05:00, Sat-Sun 00:00-08:00')).toEqual([
      [[1, 2, 3, 4, 5], 60, 300],
      [[0, 6], 0, 480],
    ]);
  });

  it('daily, weekdays, weekends, day lists, full names, any case', () => {
    expect(ranges('daily 01:00-05:00')).toEqual([[[0, 1, 2, 3, 4, 5, 6], 60, 300]]);
    expect(ranges('weekdays 1:00-5:30')).toEqual([[[1, 2, 3, 4, 5], 60, 330]]);
    expect(ranges('Weekends 00:00-24:00')).toEqual([[[0, 6], 0, 1440]]);
    expect(ranges('mon,WED, fri 22:00-23:00')).toEqual([[[1, 3, 5], 1320, 1380]]);
    expect(ranges('Monday-Wednesday,Saturday 10:00-11:00')).toEqual([[[1, 2, 3, 6], 600, 660]]);
  });

  it('wrapping day ranges', () => {
    expect(ranges('Fri-Mon 01:00-02:00')).toEqual([[[0, 1, 5, 6], 60, 120]]);
  });

  it('a range that crosses midnight, kept on its start day', () => {
    expect(ranges('Fri 22:00-02:00')).toEqual([[[5], 1320, 1560]]);
    expect(ranges('Sat 20:00-00:00')).toEqual([[[6], 1200, 1440]]);
  });

  it('weekdays across midnight, every night', () => {
    const nights = spans(allowedIntervals([allow('Mon-Fri 22:00-02:00')], UTC, at('2026-01-12T00:00:00Z'), at('2026-01-19T00:00:00Z')));
    expect(nights).toHaveLength(5);
    expect(nights[0]).toBe('2026-01-12T22:00:00Z - 2026-01-13T02:00:00Z');
    expect(nights[4]).toBe('2026-01-16T22:00:00Z - 2026-01-17T02:00:00Z');
  });
});

describe('parseWeekly refuses malformed input, with a column and a hint', () => {
  it('an unknown day', () => {
    expect(theProblem('Mon-Fir 01:00-05:00', parseWeekly)).toMatchObject({
      offset: 4,
      at: 'Fir',
      message: '`Fir` is not a day',
      hint: expect.stringContaining('Mon Tue Wed') as string,
    });
  });

  it('times out of range', () => {
    expect(problemsOf(parseWeekly('Mon 25:00-26:00')).map((p) => p.offset)).toEqual([4, 10]);
    expect(theProblem('Mon 01:60-02:00', parseWeekly)).toMatchObject({ at: '01:60', message: '01:60 is not a time of day' });
    expect(theProblem('Mon 24:30-02:00', parseWeekly).at).toBe('24:30');
    expect(problemsOf(parseWeekly('Mon 0100-0500'))).toMatchObject([
      { offset: 4, length: 4, message: '0100 is not a time of day', hint: expect.stringContaining('HH:MM') as string },
      { offset: 9, length: 4 },
    ]);
  });

  it('24:00 only ends a range; an empty range', () => {
    expect(theProblem('Mon 24:00-02:00', parseWeekly)).toMatchObject({ at: '24:00', message: '24:00 can only end a range' });
    expect(theProblem('Mon 01:00-01:00', parseWeekly)).toMatchObject({ at: '01:00-01:00', hint: 'for a whole day write 00:00-24:00' });
  });

  it('a range without days, without an end, or without a time', () => {
    expect(theProblem('01:00-05:00', parseWeekly)).toMatchObject({
      offset: 0,
      message: 'a range starts with its days',
      hint: 'write for example daily 01:00-05:00 or Mon-Fri 01:00-05:00',
    });
    expect(theProblem('Mon 01:00', parseWeekly)).toMatchObject({
      offset: 4,
      at: '01:00',
      message: 'a range needs an end time',
      hint: 'write a start and an end, e.g. 01:00-05:00',
    });
    expect(theProblem('Mon-Fri', parseWeekly)).toMatchObject({ message: 'expected a start time, found the end of the text' });
    expect(theProblem('Mon-Fri 01:00-05:00,', parseWeekly).message).toBe('expected days and a time range');
  });

  it('an en dash, or text after a range', () => {
    expect(theProblem('Mon–Fri 01:00-05:00', parseWeekly)).toMatchObject({ offset: 3, hint: 'use a plain hyphen - between days and between times' });
    expect(theProblem('Mon 01:00-05:00 Tue 01:00-05:00', parseWeekly)).toMatchObject({ offset: 16, hint: expect.stringContaining('commas') as string });
  });

  it('the second range of several, pointing into it', () => {
    expect(theProblem('Mon-Fri 01:00-05:00, Sat-Sun 00:00-08:60', parseWeekly)).toMatchObject({ offset: 35, at: '08:60' });
  });
});
