import { describe, expect, it } from 'vitest';
import { UTC, fitCheck } from '../../../src/domain/windows/index.js';
import { HOUR, MINUTE, allow, at, deny, iso, zone } from './helpers.js';

const nights = [allow('Mon-Fri 01:00-05:00')];

describe('fitCheck', () => {
  it('fits now when the rest of the current interval has room', () => {
    const fit = fitCheck(nights, UTC, at('2026-01-14T01:30:00Z'), 2 * HOUR + 30 * MINUTE);
    expect(fit).toMatchObject({ fits: true });
    if (!fit.fits) return;
    expect([iso(fit.startAt), iso(fit.endsAt), iso(fit.closesAt)]).toEqual(['2026-01-14T01:30:00Z', '2026-01-14T04:00:00Z', '2026-01-14T05:00:00Z']);
  });

  it('an end exactly at the close fits', () => {
    const fit = fitCheck(nights, UTC, at('2026-01-14T02:00:00Z'), 3 * HOUR);
    expect(fit.fits ? iso(fit.startAt) : null).toBe('2026-01-14T02:00:00Z');
  });

  it('waits for the next interval when the rest of this one is too short', () => {
    // 1h deploy + 30m bake at 04:00 Wednesday: only 1h left, so Thursday 01:00.
    const fit = fitCheck(nights, UTC, at('2026-01-14T04:00:00Z'), HOUR + 30 * MINUTE);
    expect(fit.fits ? [iso(fit.startAt), iso(fit.endsAt)] : null).toEqual(['2026-01-15T01:00:00Z', '2026-01-15T02:30:00Z']);
  });

  it('skips intervals that are too short for one that is long enough', () => {
    const windows = [allow('Mon-Fri 01:00-05:00, Sat-Sun 00:00-08:00')];
    const fit = fitCheck(windows, UTC, at('2026-01-14T00:00:00Z'), 6 * HOUR); // Wednesday
    expect(fit.fits ? iso(fit.startAt) : null).toBe('2026-01-17T00:00:00Z'); // Saturday
  });

  it('a deny window cuts the room: the freeze wins over the allow window', () => {
    const windows = [...nights, deny('Wed 03:00-04:00', 'backups')];
    const fit = fitCheck(windows, UTC, at('2026-01-14T01:00:00Z'), 2 * HOUR + 30 * MINUTE);
    expect(fit.fits ? iso(fit.startAt) : null).toBe('2026-01-15T01:00:00Z');
    expect(fitCheck(windows, UTC, at('2026-01-14T01:00:00Z'), 2 * HOUR).fits).toBe(true);
  });

  it('adjacent windows give one interval with the room of both', () => {
    const windows = [allow('Fri 22:00-24:00'), allow('Sat 00:00-04:00')];
    const fit = fitCheck(windows, UTC, at('2026-01-14T00:00:00Z'), 5 * HOUR);
    expect(fit.fits ? [iso(fit.startAt), iso(fit.closesAt)] : null).toEqual(['2026-01-16T22:00:00Z', '2026-01-17T04:00:00Z']);
  });

  it('reports no fit within the horizon, with the longest interval seen', () => {
    const fit = fitCheck(nights, UTC, at('2026-01-14T00:00:00Z'), 5 * HOUR);
    expect(fit).toEqual({ fits: false, searchedUntil: at('2027-01-15T00:00:00Z'), longestMs: 4 * HOUR });
    const never = fitCheck([allow('2025-01-01 to 2025-01-02')], UTC, at('2026-01-14T00:00:00Z'), HOUR, { horizonDays: 30 });
    expect(never).toEqual({ fits: false, searchedUntil: at('2026-02-13T00:00:00Z'), longestMs: 0 });
  });

  it('finds a yearly window within the default horizon', () => {
    const december = [allow('0 0 0 ? DEC SUN *')];
    const fit = fitCheck(december, UTC, at('2026-01-14T00:00:00Z'), 20 * HOUR);
    expect(fit.fits ? iso(fit.startAt) : null).toBe('2026-12-06T00:00:00Z');
  });

  it('always fits without windows', () => {
    const fit = fitCheck([], UTC, at('2026-01-14T00:00:00Z'), 72 * HOUR);
    expect(fit.fits ? [iso(fit.startAt), fit.closesAt] : null).toEqual(['2026-01-14T00:00:00Z', null]);
  });

  it('counts real hours across DST: 01:00-05:00 on the spring-forward night holds 3 hours, not 4', () => {
    const ny = zone('America/New_York');
    const saturday = at('2026-03-07T12:00:00Z');
    const daily = [allow('daily 01:00-05:00')];
    expect(fitCheck(daily, ny, saturday, 3 * HOUR)).toMatchObject({ fits: true, startAt: at('2026-03-08T06:00:00Z') });
    // 3h30 does not fit that night; the next night (EDT, 05:00Z) has 4 hours.
    expect(fitCheck(daily, ny, saturday, 3 * HOUR + 30 * MINUTE)).toMatchObject({ fits: true, startAt: at('2026-03-09T05:00:00Z') });
    // On the fall-back night the same window holds 5 hours.
    expect(fitCheck(daily, ny, at('2026-10-31T12:00:00Z'), 5 * HOUR)).toMatchObject({ fits: true, startAt: at('2026-11-01T05:00:00Z') });
  });
});
