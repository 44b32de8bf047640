/** Each region's local time, day or night there, and whether its window is open. */
import type { PlanRegion } from '../api/types';
import { formatInstant, localClock, relativeTime } from '../lib/format';

export function WorldClock({ regions, now }: { regions: PlanRegion[]; now: number }) {
  return (
    <ul className="clocks" aria-label="Local time in each region">
      {regions.map((region) => {
        const clock = localClock(new Date(now), region.timezone);
        const night = clock.hour < 7 || clock.hour >= 20;
        return (
          <li key={region.name} className={`clock ${night ? 'clock--night' : 'clock--day'}`} data-testid={`clock-${region.name}`}>
            <span className="clock__region">{region.name}</span>
            <span className="clock__time mono" aria-label={`${clock.time} ${clock.day} in ${region.timezone}`}>
              {clock.time}
            </span>
            <span className="small muted">
              {clock.day} · {region.timezone} · {night ? 'night' : 'day'}
            </span>
            <span className="small">
              <WindowState region={region} now={now} />
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function WindowState({ region, now }: { region: PlanRegion; now: number }) {
  if (region.windows.length === 0) return <>always open (no windows)</>;
  if (region.window === null) return <>no window within a year</>;
  if (region.openNow) return <>window open until {formatInstant(region.window.closesAt, region.timezone).slice(11, 16)}</>;
  return (
    <>
      window opens {formatInstant(region.window.opensAt, region.timezone).slice(5, 16)} ({relativeTime(region.window.opensAt, now)})
    </>
  );
}
