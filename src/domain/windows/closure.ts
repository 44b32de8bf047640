/**
 * Why a region is closed at an instant: the deny window that holds it (deny wins, so it is
 * named first even when the instant is also outside every allow window), or the allow windows
 * it is outside of.
 */
import { windowSpans } from './local-spans.js';
import type { Window } from './schedule.js';
import type { TimeZone } from './zone.js';

export type Closure = { kind: 'deny'; window: Window; reason: string | null; message: string } | { kind: 'outside'; windows: Window[]; message: string };

export function closureAt(windows: readonly Window[], zone: TimeZone, atMs: number): Closure | null {
  const inside = (w: Window): boolean => windowSpans(w, zone, atMs, atMs + 1).some((s) => s.start <= atMs && atMs < s.end);
  const deny = windows.find((w) => w.effect === 'deny' && inside(w));
  if (deny !== undefined) {
    const reason = deny.reason ?? null;
    return { kind: 'deny', window: deny, reason, message: `deny window ${label(deny, zone)}${reason === null ? '' : `: ${reason}`}` };
  }
  const allows = windows.filter((w) => w.effect === 'allow');
  if (allows.length === 0 || allows.some(inside)) return null;
  return { kind: 'outside', windows: allows, message: `outside ${allows.map((w) => label(w, zone)).join(' and ')}` };
}

/** The window's text, with its zone when it differs from the region's. */
function label(window: Window, regionZone: TimeZone): string {
  const own = window.timeZone;
  return own !== undefined && own.name !== regionZone.name ? `${window.schedule.text} (${own.name})` : window.schedule.text;
}
