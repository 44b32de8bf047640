/**
 * The window gate: may an action gated by its region's windows start now? Pure: the engine
 * passes the windows, the instant, and how long the action needs (its expected duration plus
 * the wave's bake time). Judged when the action is about to start, never earlier.
 *
 * - no windows: start;
 * - open, and the rest of the window has room for `needMs`: start;
 * - open but too short, or closed: wait until the first window with room (the fit check),
 *   saying why; `opensAt` is null when no window within the horizon has room.
 */
import { fitCheck, windowStateAt, type Window, type TimeZone } from './windows/index.js';

export type WindowDecision = { kind: 'start'; closesAt: Date | null } | { kind: 'wait'; opensAt: Date | null; closesAt: Date | null; reason: string };

/** `needs`: what `needMs` is made of, for the reasons (the expected duration and bake, by default). */
export function judgeWindow(windows: readonly Window[], zone: TimeZone, now: Date, needMs: number, needs = 'expected duration and bake'): WindowDecision {
  if (windows.length === 0) return { kind: 'start', closesAt: null };
  const state = windowStateAt(windows, zone, now);
  if (needMs <= 0) {
    if (state.open) return { kind: 'start', closesAt: state.closesAt };
    return { kind: 'wait', opensAt: state.opensAt, closesAt: state.closesAt, reason: `${state.closure.message}; ${opensText(state.opensAt)}` };
  }
  const fit = fitCheck(windows, zone, now, needMs);
  if (fit.fits && fit.startAt.getTime() === now.getTime()) return { kind: 'start', closesAt: fit.closesAt };
  const need = formatSpan(needMs);
  if (!fit.fits && fit.longestMs === 0 && !state.open) {
    return { kind: 'wait', opensAt: null, closesAt: null, reason: `${state.closure.message}; ${opensText(null)}` };
  }
  if (!fit.fits) {
    const longest = fit.longestMs === 0 ? 'the region never opens' : `the longest window is ${formatSpan(fit.longestMs)}`;
    return { kind: 'wait', opensAt: null, closesAt: null, reason: `no window in the next year fits ${need} (${needs}); ${longest}` };
  }
  const why = state.open
    ? `the window closes at ${state.closesAt?.toISOString() ?? 'its end'}, too soon for ${need} (${needs}); held for the next window that fits`
    : `${state.closure.message}${state.opensAt !== null && state.opensAt.getTime() !== fit.startAt.getTime() ? `; the window at ${state.opensAt.toISOString()} is too short for ${need}` : ''}`;
  return { kind: 'wait', opensAt: fit.startAt, closesAt: fit.closesAt, reason: `${why}; ${opensText(fit.startAt)}` };
}

function opensText(opensAt: Date | null): string {
  return opensAt === null ? 'no window opens within a year' : `opens at ${opensAt.toISOString()}`;
}

/** `4h30m`, `45m`, `90s`. */
export function formatSpan(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes === 0) return `${Math.max(1, Math.round(ms / 1000))}s`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return hours === 0 ? `${rest}m` : rest === 0 ? `${hours}h` : `${hours}h${rest}m`;
}
