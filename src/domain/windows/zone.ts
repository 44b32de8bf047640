/**
 * Time zone arithmetic: instant <-> local wall time. IANA zones are read through Intl (Node's
 * full ICU), fixed offsets (`UTC+05:30`) directly. This is where the DST rules live:
 *
 * - a wall time in a skipped hour (spring forward) becomes the first valid instant after the
 *   gap, i.e. the instant of the transition;
 * - a wall time in a repeated hour (fall back) becomes its first or last occurrence, as the
 *   caller asks (window starts always take the first, see local-spans.ts for ends).
 */
import { DAY_MS, SECOND_MS } from './civil.js';

export type TimeZone = { kind: 'iana'; name: string } | { kind: 'fixed'; name: string; offsetMinutes: number };

export const UTC: TimeZone = { kind: 'fixed', name: 'UTC', offsetMinutes: 0 };

export type Occurrence = 'first' | 'last';

// Formatters are costly to build and immutable: one per zone name.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(name: string): Intl.DateTimeFormat {
  let formatter = formatters.get(name);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(name, formatter);
  }
  return formatter;
}

/** Milliseconds to add to an instant to get its local wall time. */
export function offsetAt(zone: TimeZone, instantMs: number): number {
  if (zone.kind === 'fixed') return zone.offsetMinutes * 60_000;
  const whole = Math.floor(instantMs / SECOND_MS) * SECOND_MS;
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone.name).formatToParts(whole)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(fields.year ?? 1970, (fields.month ?? 1) - 1, fields.day ?? 1, fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0);
  return wall - whole;
}

export function wallAt(zone: TimeZone, instantMs: number): number {
  return instantMs + offsetAt(zone, instantMs);
}

/**
 * The instant a local wall time happens. In a repeated hour `occurrence` picks the first or
 * the last pass; in a skipped hour the answer is the transition, whatever `occurrence` says.
 */
export function instantOf(zone: TimeZone, wallMs: number, occurrence: Occurrence): number {
  if (zone.kind === 'fixed') return wallMs - zone.offsetMinutes * 60_000;
  // The offsets a day either side bracket any transition near this wall time.
  const before = offsetAt(zone, wallMs - DAY_MS);
  const after = offsetAt(zone, wallMs + DAY_MS);
  const candidates = [...new Set([wallMs - before, wallMs - after])].filter((instant) => wallAt(zone, instant) === wallMs).sort((a, b) => a - b);
  if (candidates.length > 0) return (occurrence === 'first' ? candidates[0] : candidates.at(-1)) ?? wallMs - before;
  if (before === after) return wallMs - before;
  return transitionBetween(zone, wallMs - after, wallMs - before);
}

/** The first instant in (lo, hi] whose offset differs from the offset at lo, to the second. */
function transitionBetween(zone: TimeZone, lo: number, hi: number): number {
  const startOffset = offsetAt(zone, lo);
  let low = lo;
  let high = hi;
  while (high - low > SECOND_MS) {
    const mid = Math.floor((low + high) / 2 / SECOND_MS) * SECOND_MS;
    if (mid <= low) break;
    if (offsetAt(zone, mid) === startOffset) low = mid;
    else high = mid;
  }
  return high;
}
