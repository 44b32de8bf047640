/** Time is injected: engines and stores take a Clock, tests pass a fake one. */
export interface Clock {
  now(): Date;
  /**
   * How many real milliseconds until this clock reads `at` (0 when it already does); runners
   * set their timers by it, so a window opening is noticed on time on a fast clock too.
   * Absent on a clock only a test moves (nothing to wait for in real time).
   */
  realMsUntil?(at: Date): number;
  /**
   * Present on a demo clock that may jump ahead: a runner calls it when nothing runs and the
   * next thing to happen is a window opening or a bake ending (`run --clock-skip`).
   */
  skipTo?(at: Date): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  realMsUntil: (at) => Math.max(0, at.getTime() - Date.now()),
};

/**
 * A clock that starts at `start` and runs `speed` times faster than real time:
 * `meridian run --clock-start 2026-03-28T20:00:00Z --clock-speed 3600` shows a night of
 * windows opening region after region in a few seconds per hour.
 */
export function scaledClock(start: Date, speed: number, options: { skip?: boolean; realNow?: () => number } = {}): Clock {
  const realNow = options.realNow ?? Date.now;
  const realStart = realNow();
  let skipped = 0;
  const now = (): number => start.getTime() + (realNow() - realStart) * speed + skipped;
  const clock: Clock = {
    now: () => new Date(now()),
    realMsUntil: (at) => Math.max(0, Math.ceil((at.getTime() - now()) / speed)),
  };
  // With `skip`, idle time costs nothing: actions still take their real time (times the speed).
  if (options.skip === true) clock.skipTo = (at) => void (skipped += Math.max(0, at.getTime() - now()));
  return clock;
}

/** ISO 8601 UTC with milliseconds, the format of every instant Meridian prints or stores. */
export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
