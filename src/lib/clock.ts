/** Time is injected: engines and stores take a Clock, tests pass a fake one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** ISO 8601 UTC with milliseconds, the format of every instant Meridian prints or stores. */
export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
