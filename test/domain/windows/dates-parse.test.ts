import { describe, expect, it } from 'vitest';
import { UTC, allowedIntervals, parseDates, parseSchedule, windowStateAt, type DatesSchedule } from '../../../src/domain/windows/index.js';
import { at, deny, iso, must, spans, theProblem, zone } from './helpers.js';

const bounds = (text: string): [string, string] => {
  const { from, to } = must(parseDates(text));
  const show = (b: DatesSchedule['from']): string =>
    b.kind === 'local' ? `local ${new Date(b.wallMs).toISOString()}` : `instant ${new Date(b.ms).toISOString()}`;
  return [show(from), show(to)];
};

describe('parseDates reads', () => {
  it('two local date-times', () => {
    expect(bounds('2026-12-20 00:00 to 2027-01-04 00:00')).toEqual(['local 2026-12-20T00:00:00.000Z', 'local 2027-01-04T00:00:00.000Z']);
  });

  it('ISO 8601, with T, seconds, a slash, and absolute offsets', () => {
    expect(bounds('2026-12-20T18:30:15/2026-12-21T06:00')).toEqual(['local 2026-12-20T18:30:15.000Z', 'local 2026-12-21T06:00:00.000Z']);
    expect(bounds('2026-12-20T00:00Z to 2026-12-21T00:00+01:00')).toEqual(['instant 2026-12-20T00:00:00.000Z', 'instant 2026-12-20T23:00:00.000Z']);
  });

  it('dates alone cover whole days, the last one included', () => {
    expect(bounds('2026-12-24 to 2026-12-26')).toEqual(['local 2026-12-24T00:00:00.000Z', 'local 2026-12-27T00:00:00.000Z']);
    expect(bounds('2026-12-25')).toEqual(['local 2026-12-25T00:00:00.000Z', 'local 2026-12-26T00:00:00.000Z']);
  });

  it('local times in the region zone; absolute ones anywhere', () => {
    const dublin = zone('Europe/Dublin');
    const local = allowedIntervals([deny('2026-07-01 00:00 to 2026-07-02 00:00')], dublin, at('2026-06-30T00:00:00Z'), at('2026-07-03T00:00:00Z'));
    // The open time around a freeze from Dublin midnight (23:00Z in summer) to the next.
    expect(spans(local)).toEqual(['2026-06-30T00:00:00Z - 2026-06-30T23:00:00Z', '2026-07-01T23:00:00Z - 2026-07-03T00:00:00Z']);
    const absolute = allowedIntervals([deny('2026-07-01T00:00Z/2026-07-02T00:00Z')], dublin, at('2026-06-30T00:00:00Z'), at('2026-07-03T00:00:00Z'));
    expect(spans(absolute)).toEqual(['2026-06-30T00:00:00Z - 2026-07-01T00:00:00Z', '2026-07-02T00:00:00Z - 2026-07-03T00:00:00Z']);
  });

  it('a one-off freeze ends and the region opens again', () => {
    const state = windowStateAt([deny('2026-12-20 to 2027-01-03', 'year-end freeze')], UTC, at('2026-12-31T12:00:00Z'));
    expect(state.open ? null : iso(state.opensAt)).toBe('2027-01-04T00:00:00Z');
    expect(state.open ? null : state.closesAt).toBeNull(); // nothing closes it again within the horizon
  });

  it('parseSchedule tells the three syntaxes apart', () => {
    expect(must(parseSchedule('2026-12-25')).kind).toBe('dates');
    expect(must(parseSchedule('Mon-Fri 01:00-05:00')).kind).toBe('weekly');
    expect(must(parseSchedule('0 0 9-17 ? * MON-FRI *')).kind).toBe('cron');
  });
});

describe('parseDates refuses malformed input, with a column and a hint', () => {
  it('a date that does not exist', () => {
    expect(theProblem('2026-02-30 to 2026-03-02', parseDates)).toMatchObject({ offset: 0, at: '2026-02-30', message: '2026-02-30 is not a date' });
    expect(theProblem('2026-12-20 to 2026-13-01', parseDates)).toMatchObject({ offset: 14, at: '2026-13-01' });
  });

  it('a bad time', () => {
    expect(theProblem('2026-12-20 25:00 to 2026-12-21', parseDates)).toMatchObject({ offset: 11, at: '25:00', message: '25:00 is not a time of day' });
  });

  it('an end before the start', () => {
    expect(theProblem('2027-01-04 00:00 to 2026-12-20 00:00', parseDates)).toMatchObject({ offset: 20, message: 'the window ends before it starts' });
    expect(theProblem('2026-12-20 10:00 to 2026-12-20 10:00', parseDates).message).toBe('the window ends before it starts');
  });

  it('a start without an end', () => {
    expect(theProblem('2026-12-20 10:00', parseDates)).toMatchObject({ message: 'a one-off window needs an end', hint: 'add one: 2026-12-20 10:00 to ...' });
  });

  it('text that is not a date', () => {
    expect(theProblem('2026-12-20 to next monday', parseDates)).toMatchObject({
      offset: 14,
      at: 'next monday',
      hint: expect.stringContaining('YYYY-MM-DD HH:MM') as string,
    });
    expect(theProblem('2026/12/20', parseDates)).toMatchObject({ offset: 0, at: '2026/12/20', message: '`2026/12/20` is not a date and time' });
    expect(theProblem('2026-12-20 to ', parseDates).message).toBe('a date is missing');
  });
});
