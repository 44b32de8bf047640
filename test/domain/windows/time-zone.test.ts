import { describe, expect, it } from 'vitest';
import { UTC, parseTimeZone } from '../../../src/domain/windows/index.js';
import { instantOf, offsetAt } from '../../../src/domain/windows/zone.js';
import { HOUR, must, theProblem } from './helpers.js';

describe('parseTimeZone accepts', () => {
  it.each(['Europe/Dublin', 'America/New_York', 'Australia/Sydney', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'US/Eastern'])(
    'IANA %s, keeping the name as written',
    (name) => {
      expect(must(parseTimeZone(name))).toEqual({ kind: 'iana', name });
    },
  );

  it('fixes the case of an IANA name', () => {
    expect(must(parseTimeZone('europe/dublin'))).toEqual({ kind: 'iana', name: 'Europe/Dublin' });
  });

  it('UTC and Etc/UTC', () => {
    expect(must(parseTimeZone('UTC'))).toBe(UTC);
    expect(must(parseTimeZone('Etc/UTC'))).toBe(UTC);
    expect(must(parseTimeZone('  UTC '))).toBe(UTC);
  });

  it.each([
    ['UTC+05:30', 'UTC+05:30', 330],
    ['UTC-08:00', 'UTC-08:00', -480],
    ['UTC+5', 'UTC+05:00', 300],
    ['UTC+0545', 'UTC+05:45', 345],
    ['utc-03:30', 'UTC-03:30', -210],
    ['UTC+14:00', 'UTC+14:00', 840],
  ])('fixed offset %s', (text, name, offsetMinutes) => {
    expect(must(parseTimeZone(text))).toEqual({ kind: 'fixed', name, offsetMinutes });
  });

  it('an abbreviation that names one zone with one offset all year, as AWS accepts abbreviations', () => {
    expect(must(parseTimeZone('JST'))).toEqual({ kind: 'iana', name: 'Asia/Tokyo' });
    expect(must(parseTimeZone('hst'))).toEqual({ kind: 'iana', name: 'Pacific/Honolulu' });
    expect(must(parseTimeZone('SGT'))).toEqual({ kind: 'iana', name: 'Asia/Singapore' });
  });

  it('UTC+00:00 is UTC', () => {
    expect(must(parseTimeZone('UTC+00:00'))).toBe(UTC);
  });
});

describe('parseTimeZone refuses', () => {
  it.each([
    ['CST', ['America/Chicago', 'Asia/Shanghai', 'America/Havana']],
    ['IST', ['Asia/Kolkata', 'Europe/Dublin', 'Asia/Jerusalem']],
    ['BST', ['Europe/London', 'Asia/Dhaka']],
  ])('the ambiguous abbreviation %s, naming candidate zones', (text, zones) => {
    const problem = theProblem(text, parseTimeZone);
    expect(problem.message).toBe(`\`${text}\` is ambiguous: it is an abbreviation that names several zones`);
    for (const name of zones) expect(problem.hint).toContain(name);
    expect(problem.at).toBe(text);
  });

  it('PST too: it names the Philippines as well as the US Pacific, and means -08:00 even in summer', () => {
    const problem = theProblem('PST', parseTimeZone);
    expect(problem.hint).toBe('write America/Los_Angeles (US Pacific, with daylight time), or Asia/Manila (Philippine Standard Time)');
  });

  it('an abbreviation of one zone that has daylight time, with the one zone to write', () => {
    expect(theProblem('AKST', parseTimeZone)).toMatchObject({
      message: '`AKST` is an abbreviation, not a time zone',
      hint: 'write America/Anchorage (Alaska time)',
    });
    expect(theProblem('NZST', parseTimeZone).hint).toBe('write Pacific/Auckland (New Zealand time)');
    expect(theProblem('gmt', parseTimeZone).hint).toContain('UTC');
  });

  it('Etc/GMT+5, whose sign is inverted', () => {
    expect(theProblem('Etc/GMT+5', parseTimeZone)).toMatchObject({ message: '`Etc/GMT+5` has an inverted sign (it means UTC-05:00)', hint: 'write UTC-05:00' });
  });

  it('GMT offsets, with the UTC spelling', () => {
    expect(theProblem('GMT+1', parseTimeZone).hint).toBe('write UTC+01:00');
  });

  it('offsets out of range', () => {
    expect(theProblem('UTC+15:00', parseTimeZone).hint).toContain('UTC±HH:MM');
    expect(theProblem('UTC+05:75', parseTimeZone).message).toContain('UTC-12:00 to UTC+14:00');
  });

  it('unknown names, suggesting the zone of the same city', () => {
    expect(theProblem('Dublin', parseTimeZone)).toMatchObject({ message: '`Dublin` is not a time zone', hint: 'write Europe/Dublin' });
    expect(theProblem('Europe/Sydney', parseTimeZone).hint).toBe('write Australia/Sydney');
    expect(theProblem('Mars/Olympus', parseTimeZone).hint).toContain('Europe/Dublin or America/New_York');
  });

  it('an empty zone, pointing into the text', () => {
    expect(theProblem('', parseTimeZone).message).toBe('the time zone is empty');
    const problem = theProblem('   CST', parseTimeZone);
    expect([problem.offset, problem.length]).toEqual([3, 3]);
  });
});

describe('zone arithmetic', () => {
  const ny = must(parseTimeZone('America/New_York'));

  it('reads offsets from Intl', () => {
    expect(offsetAt(ny, Date.parse('2026-01-15T12:00:00Z'))).toBe(-5 * HOUR);
    expect(offsetAt(ny, Date.parse('2026-07-15T12:00:00Z'))).toBe(-4 * HOUR);
  });

  it('a skipped wall time is the transition, whichever occurrence is asked for', () => {
    const wall = Date.parse('2026-03-08T02:30:00Z'); // 02:30 local, which New York skips
    expect(new Date(instantOf(ny, wall, 'first')).toISOString()).toBe('2026-03-08T07:00:00.000Z');
    expect(new Date(instantOf(ny, wall, 'last')).toISOString()).toBe('2026-03-08T07:00:00.000Z');
  });

  it('a repeated wall time has two occurrences', () => {
    const wall = Date.parse('2026-11-01T01:30:00Z');
    expect(new Date(instantOf(ny, wall, 'first')).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(new Date(instantOf(ny, wall, 'last')).toISOString()).toBe('2026-11-01T06:30:00.000Z');
  });

  it('fixed offsets have no DST', () => {
    const fixed = must(parseTimeZone('UTC+05:30'));
    expect(instantOf(fixed, Date.parse('2026-03-08T02:30:00Z'), 'first')).toBe(Date.parse('2026-03-07T21:00:00Z'));
  });
});
