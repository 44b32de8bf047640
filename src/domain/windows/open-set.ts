/**
 * The set of instants a region is open: the union of its allow windows (everything, when it
 * has none) minus the union of its deny windows. Deny wins over allow, always.
 */
import { DAY_MS } from './civil.js';
import { windowSpans, type Span } from './local-spans.js';
import type { Window } from './schedule.js';
import type { TimeZone } from './zone.js';

/** Computed a week at a time, so a search stops as soon as it has its answer. */
const CHUNK_MS = 7 * DAY_MS;

export function union(spans: readonly Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** `from` minus `remove`, both sorted and merged. */
export function subtract(from: readonly Span[], remove: readonly Span[]): Span[] {
  const result: Span[] = [];
  for (const span of from) {
    let start = span.start;
    for (const cut of remove) {
      if (cut.end <= start || cut.start >= span.end) continue;
      if (cut.start > start) result.push({ start, end: cut.start });
      start = Math.max(start, cut.end);
    }
    if (start < span.end) result.push({ start, end: span.end });
  }
  return result;
}

/** The open spans within [fromMs, toMs), clipped to it. */
export function openSpans(windows: readonly Window[], zone: TimeZone, fromMs: number, toMs: number): Span[] {
  const allows = windows.filter((w) => w.effect === 'allow');
  const denies = windows.filter((w) => w.effect === 'deny');
  const range: Span = { start: fromMs, end: toMs };
  const allowed = allows.length === 0 ? [range] : union(allows.flatMap((w) => windowSpans(w, zone, fromMs, toMs)));
  const denied = union(denies.flatMap((w) => windowSpans(w, zone, fromMs, toMs)));
  return subtract(allowed, denied)
    .map((s) => ({ start: Math.max(s.start, fromMs), end: Math.min(s.end, toMs) }))
    .filter((s) => s.end > s.start);
}

/**
 * The maximal open spans from `fromMs` on, in order, clipped to [fromMs, untilMs). Spans that
 * touch across a chunk boundary are joined, so each one yielded is whole (or clipped).
 */
export function* openRuns(windows: readonly Window[], zone: TimeZone, fromMs: number, untilMs: number): Generator<Span> {
  let pending: Span | undefined;
  for (let a = fromMs; a < untilMs; a += CHUNK_MS) {
    const b = Math.min(a + CHUNK_MS, untilMs);
    for (const span of openSpans(windows, zone, a, b)) {
      if (pending !== undefined && pending.end === span.start) {
        pending = { start: pending.start, end: span.end };
        continue;
      }
      if (pending !== undefined) yield pending;
      pending = span;
    }
    if (pending !== undefined && pending.end < b) {
      yield pending;
      pending = undefined;
    }
  }
  if (pending !== undefined) yield pending;
}

/** When the open span that contains `atMs` began, looking back no further than `limitMs`; undefined past it. */
export function openSince(windows: readonly Window[], zone: TimeZone, atMs: number, limitMs: number): number | undefined {
  let since = atMs;
  for (let b = atMs; b > limitMs; b -= CHUNK_MS) {
    const a = Math.max(b - CHUNK_MS, limitMs);
    const last = openSpans(windows, zone, a, b).at(-1);
    if (last === undefined || last.end !== since) return since;
    since = last.start;
    if (last.start > a) return since;
  }
  return undefined;
}
