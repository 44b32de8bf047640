/**
 * Follow the night: each region's local time, 48 hours of its deployment windows with the
 * planned start of its deploy and its lane's steps, and every lane step by step — the same
 * data as `meridian plan`.
 */
import { usePlanView } from '../api/queries';
import { WorldClock } from '../night/world-clock';
import { LanesTable } from '../night/lanes-table';
import { Timeline } from '../night/timeline';
import { formatDuration, formatInstant, relativeTime } from '../lib/format';
import { useNow } from '../lib/use-now';

export function NightPage({ pipeline }: { pipeline: string }) {
  const plan = usePlanView(pipeline);
  const now = useNow(1000);
  if (plan.error) return <p className="problem">{plan.error.message}</p>;
  if (!plan.data) return <p className="muted">Loading the plan…</p>;
  const data = plan.data;
  return (
    <div className="stack">
      <h1>Follow the night · {pipeline}</h1>
      <WorldClock regions={data.regions} now={now} />
      {!data.windowsConfigured && <p className="banner">No deployment windows are configured for {pipeline}: every region accepts deployments at any time.</p>}
      {data.windowsConfigured && data.policy === 'disruptive-only' && (
        <p className="banner">Window policy disruptive-only: windows hold only disruptive executions; other releases go out at once.</p>
      )}
      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Next 48 hours</h2>
        <Timeline plan={data} now={now} />
        <p className="legend small muted">
          <span className="legend__window" /> window open · <span className="legend__night" /> night (20:00–07:00 local) · <span className="legend__start" />{' '}
          planned deploy start · <span className="legend__step" /> a lane step, expected · <span className="legend__now" /> now
        </p>
      </section>
      {(data.lanes ?? []).some((lane) => lane.region !== null) && (
        <section className="card" aria-labelledby="lanes-title">
          <h2 id="lanes-title">Lanes</h2>
          <p className="small muted">
            What an execution that windows hold would do if it started now: each region&apos;s steps, when each is expected to start and end, and in which
            window.
          </p>
          <LanesTable lanes={data.lanes} now={now} />
        </section>
      )}
      <section className="card" aria-labelledby="windows-title">
        <h2 id="windows-title">Windows</h2>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Region</th>
                <th scope="col">Windows</th>
                <th scope="col">Next window (local)</th>
                <th scope="col">Wave</th>
                <th scope="col">Planned deploy (local)</th>
              </tr>
            </thead>
            <tbody>
              {data.regions.map((region) => (
                <tr key={region.name} data-testid={`plan-${region.name}`}>
                  <td>
                    <strong>{region.name}</strong>
                    <div className="small muted">{region.timezone}</div>
                  </td>
                  <td className="small">
                    {region.windows.length === 0
                      ? 'none: always open'
                      : region.windows.map((w) => `${w.effect} ${w.schedule}${w.reason ? ` (${w.reason})` : ''}`).join('; ')}
                  </td>
                  <td className="small">
                    {region.window === null
                      ? '—'
                      : `${region.openNow ? 'open now, until' : 'opens'} ${formatInstant(region.openNow ? region.window.closesAt : region.window.opensAt, region.timezone)}`}
                  </td>
                  <td className="small">{region.wave}</td>
                  <td className="small">
                    {region.plannedStart === null
                      ? (region.note ?? '—')
                      : `${formatInstant(region.plannedStart, region.timezone)} (${relativeTime(region.plannedStart, now)})${region.expectedMs > 0 ? `, about ${formatDuration(region.expectedMs)}` : ''}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
