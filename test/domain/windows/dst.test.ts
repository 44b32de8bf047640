/**
 * Issue 6 item 3, on the 2026 transition nights of the three example regions, in both
 * syntaxes. Expected instants are worked out by hand from each zone's rules; the transition
 * dates themselves are checked against Intl first, so a changed tz database fails loudly here.
 */
import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { allowedIntervals, isOpen, windowStateAt, type Window } from '../../../src/domain/windows/index.js';
import { HOUR, allow, at, deny, iso, spans, zone } from './helpers.js';

/** Local dates in `year` on which `name`'s UTC offset changes, read straight from Intl. */
function transitionDates(name: string, year: number): string[] {
  const offsets = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
  const dates = new Intl.DateTimeFormat('en-CA', { timeZone: name, year: 'numeric', month: '2-digit', day: '2-digit' });
  const offset = (ms: number): string => offsets.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const found: string[] = [];
  for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += HOUR) {
    if (offset(ms) !== offset(ms + HOUR)) found.push(dates.format(ms + HOUR));
  }
  return found;
}

describe('2026 transition dates, from Intl', () => {
  it.each([
    ['Europe/Dublin', ['2026-03-29', '2026-10-25']],
    ['America/New_York', ['2026-03-08', '2026-11-01']],
    ['Australia/Sydney', ['2026-04-05', '2026-10-04']],
  ])('%s changes offset on %j', (name, dates) => {
    expect(transitionDates(name, 2026)).toEqual(dates);
  });
});

/** The one allowed interval of `window` in [from, from + 2 days). */
function nightOf(window: Window, zoneName: string, from: string): { opens: string | null; closes: string | null; hours: number } {
  const [interval, ...rest] = allowedIntervals([window], zone(zoneName), at(from), new Date(at(from).getTime() + 24 * HOUR));
  expect(rest).toEqual([]);
  if (interval === undefined) throw new Error('no interval');
  return { opens: iso(interval.opensAt), closes: iso(interval.closesAt), hours: (interval.closesAt.getTime() - interval.opensAt.getTime()) / HOUR };
}

// Every case in both syntaxes: the friendly range and the cron that means the same hours.
const both = (friendly: string, cron: string): Array<[string, string]> => [
  ['friendly', friendly],
  ['cron', cron],
];

describe('spring forward: the window keeps its real, shorter length', () => {
  // `from` is a UTC instant before local midnight of the transition night.
  it.each([
    ...both('daily 01:00-05:00', '0 0 1-4 ? * * *').map(
      ([s, text]) => [s, text, 'America/New_York', '2026-03-08T04:00:00Z', '2026-03-08T06:00:00Z', '2026-03-08T09:00:00Z', 3] as const,
    ),
    ...both('daily 00:00-05:00', '0 0 0-4 ? * * *').map(
      ([s, text]) => [s, text, 'Europe/Dublin', '2026-03-28T23:00:00Z', '2026-03-29T00:00:00Z', '2026-03-29T04:00:00Z', 4] as const,
    ),
    ...both('daily 01:00-05:00', '0 0 1-4 ? * * *').map(
      ([s, text]) => [s, text, 'Australia/Sydney', '2026-10-03T13:00:00Z', '2026-10-03T15:00:00Z', '2026-10-03T18:00:00Z', 3] as const,
    ),
  ])('%s `%s` in %s', (_syntax, text, zoneName, from, opens, closes, hours) => {
    expect(nightOf(allow(text), zoneName, from)).toEqual({ opens, closes, hours });
  });
});

describe('fall back: the window keeps its real, longer length', () => {
  it.each([
    ...both('daily 01:00-05:00', '0 0 1-4 ? * * *').map(
      ([s, text]) => [s, text, 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-01T05:00:00Z', '2026-11-01T10:00:00Z', 5] as const,
    ),
    ...both('daily 00:00-05:00', '0 0 0-4 ? * * *').map(
      ([s, text]) => [s, text, 'Europe/Dublin', '2026-10-24T22:00:00Z', '2026-10-24T23:00:00Z', '2026-10-25T05:00:00Z', 6] as const,
    ),
    ...both('daily 01:00-05:00', '0 0 1-4 ? * * *').map(
      ([s, text]) => [s, text, 'Australia/Sydney', '2026-04-04T12:00:00Z', '2026-04-04T14:00:00Z', '2026-04-04T19:00:00Z', 5] as const,
    ),
  ])('%s `%s` in %s', (_syntax, text, zoneName, from, opens, closes, hours) => {
    expect(nightOf(allow(text), zoneName, from)).toEqual({ opens, closes, hours });
  });
});

describe('a window that starts in the skipped hour opens at the first valid instant after it', () => {
  it.each([
    // New York skips 02:00-03:00 EST; 03:00 EDT is 07:00Z.
    ...both('Sun 02:00-04:00', '0 0 2-3 ? * SUN *').map(
      ([s, text]) => [s, text, 'America/New_York', '2026-03-08T04:00:00Z', '2026-03-08T07:00:00Z', '2026-03-08T08:00:00Z', 1] as const,
    ),
    // Dublin skips 01:00-02:00 GMT; 02:00 IST is 01:00Z.
    ...both('Sun 01:00-03:00', '0 0 1-2 ? * SUN *').map(
      ([s, text]) => [s, text, 'Europe/Dublin', '2026-03-28T23:00:00Z', '2026-03-29T01:00:00Z', '2026-03-29T02:00:00Z', 1] as const,
    ),
    // Sydney skips 02:00-03:00 AEST; 03:00 AEDT is 16:00Z the day before.
    ...both('Sun 02:00-04:00', '0 0 2-3 ? * SUN *').map(
      ([s, text]) => [s, text, 'Australia/Sydney', '2026-10-03T13:00:00Z', '2026-10-03T16:00:00Z', '2026-10-03T17:00:00Z', 1] as const,
    ),
    // Starting inside the gap rather than at its edge.
    ['friendly', 'Sun 02:30-04:00', 'America/New_York', '2026-03-08T04:00:00Z', '2026-03-08T07:00:00Z', '2026-03-08T08:00:00Z', 1] as const,
    ['friendly', 'Sun 01:15-03:00', 'Europe/Dublin', '2026-03-28T23:00:00Z', '2026-03-29T01:00:00Z', '2026-03-29T02:00:00Z', 1] as const,
  ])('%s `%s` in %s', (_syntax, text, zoneName, from, opens, closes, hours) => {
    expect(nightOf(allow(text), zoneName, from)).toEqual({ opens, closes, hours });
    const state = windowStateAt([allow(text)], zone(zoneName), at(from));
    expect(state.open ? null : iso(state.opensAt)).toBe(opens);
  });

  it('a cron minute range inside the skipped hour allows nothing that night', () => {
    // Minutes 30-59 of hours 2 and 3: 02:30-03:00 (skipped) and 03:30-04:00.
    expect(spans(allowedIntervals([allow('0 30-59 2-3 ? * SUN *')], zone('America/New_York'), at('2026-03-08T04:00:00Z'), at('2026-03-09T04:00:00Z')))).toEqual(
      ['2026-03-08T07:30:00Z - 2026-03-08T08:00:00Z'],
    );
  });

  it('a window wholly inside the skipped hour does not happen that night', () => {
    const ny = zone('America/New_York');
    expect(allowedIntervals([allow('Sun 02:00-02:30')], ny, at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'))).toEqual([]);
    // ...and comes back the next Sunday.
    const state = windowStateAt([allow('Sun 02:00-02:30')], ny, at('2026-03-08T00:00:00Z'));
    expect(state.open ? null : iso(state.opensAt)).toBe('2026-03-15T06:00:00Z');
  });
});

describe('a window that starts in the repeated hour opens at its first occurrence', () => {
  it.each([
    // New York repeats 01:00-02:00: first pass EDT (05:00Z-06:00Z), second EST (06:00Z-07:00Z).
    ...both('Sun 01:30-02:00', '0 30-59 1 ? * SUN *').map(
      ([s, text]) => [s, text, 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-01T05:30:00Z', '2026-11-01T07:00:00Z', 1.5] as const,
    ),
    // Dublin repeats 01:00-02:00: first pass IST (00:00Z-01:00Z).
    ...both('Sun 01:00-03:00', '0 0 1-2 ? * SUN *').map(
      ([s, text]) => [s, text, 'Europe/Dublin', '2026-10-24T22:00:00Z', '2026-10-25T00:00:00Z', '2026-10-25T03:00:00Z', 3] as const,
    ),
    // Sydney repeats 02:00-03:00: first pass AEDT (15:00Z-16:00Z the day before).
    ...both('Sun 02:30-03:00', '0 30-59 2 ? * SUN *').map(
      ([s, text]) => [s, text, 'Australia/Sydney', '2026-04-04T12:00:00Z', '2026-04-04T15:30:00Z', '2026-04-04T17:00:00Z', 1.5] as const,
    ),
  ])('%s `%s` in %s', (_syntax, text, zoneName, from, opens, closes, hours) => {
    expect(nightOf(allow(text), zoneName, from)).toEqual({ opens, closes, hours });
  });

  it('an allow window ending in the repeated hour ends at its first pass; a deny window at its second', () => {
    const ny = zone('America/New_York');
    const night = [at('2026-11-01T03:00:00Z'), at('2026-11-01T12:00:00Z')] as const;
    expect(spans(allowedIntervals([allow('Sun 00:00-01:30')], ny, ...night))).toEqual(['2026-11-01T04:00:00Z - 2026-11-01T05:30:00Z']);
    // The freeze covers both passes of 01:00-01:30 and the half hour between them.
    expect(spans(allowedIntervals([deny('Sun 00:00-01:30')], ny, ...night))).toEqual([
      '2026-11-01T03:00:00Z - 2026-11-01T04:00:00Z',
      '2026-11-01T06:30:00Z - 2026-11-01T12:00:00Z',
    ]);
  });
});

describe('one-off dates across a transition', () => {
  it('a freeze from 00:00 to 06:00 on the spring-forward night lasts 5 hours', () => {
    const freeze = deny('2026-03-29 00:00 to 2026-03-29 06:00', 'migration');
    const dublin = zone('Europe/Dublin');
    expect(isOpen([freeze], dublin, at('2026-03-28T23:59:59Z'))).toBe(true);
    expect(isOpen([freeze], dublin, at('2026-03-29T00:00:00Z'))).toBe(false);
    expect(isOpen([freeze], dublin, at('2026-03-29T04:59:59Z'))).toBe(false);
    expect(isOpen([freeze], dublin, at('2026-03-29T05:00:00Z'))).toBe(true); // 06:00 IST
  });
});

describe('croner agrees on where a start in a gap or an overlap lands', () => {
  // croner's fixed-time jobs follow Vixie cron: after the gap, and once at the first pass.
  it.each([
    ['America/New_York', '0 30 2 * * *', 'Sun 02:30-04:00', '2026-03-07T12:00:00Z'],
    ['America/New_York', '0 30 1 * * *', 'Sun 01:30-04:00', '2026-10-31T12:00:00Z'],
    ['Europe/Dublin', '0 30 1 * * *', 'Sun 01:30-04:00', '2026-03-28T12:00:00Z'],
    ['Europe/Dublin', '0 30 1 * * *', 'Sun 01:30-04:00', '2026-10-24T12:00:00Z'],
    ['Australia/Sydney', '0 30 2 * * *', 'Sun 02:30-04:00', '2026-10-03T00:00:00Z'],
    ['Australia/Sydney', '0 30 2 * * *', 'Sun 02:30-04:00', '2026-04-04T00:00:00Z'],
  ])('%s: `%s` vs `%s`', (zoneName, cron, friendly, from) => {
    const croner = new Cron(cron, { timezone: zoneName, paused: true }).nextRun(at(from));
    const state = windowStateAt([allow(friendly)], zone(zoneName), at(from));
    expect(state.open ? null : iso(state.opensAt)).toBe(iso(croner));
  });
});
