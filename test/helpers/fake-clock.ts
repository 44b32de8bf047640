import type { Clock } from '../../src/lib/clock.js';

/** A clock only the test moves: windows open when the test says so, never by sleeping. */
export interface FakeClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

export function fakeClock(startIso: string): FakeClock {
  let now = Date.parse(startIso);
  return {
    now: () => new Date(now),
    set: (iso) => {
      now = Date.parse(iso);
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
