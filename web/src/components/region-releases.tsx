/** Per region: what is live there (commit, artifact digests, when, which execution) and its health. */
import { useReleases } from '../api/queries';
import { formatInstant, localClock, relativeTime, shortDigest, shortId } from '../lib/format';
import { useNow } from '../lib/use-now';
import { href } from '../router';
import { StatusBadge } from './status-badge';

export function RegionReleases({ pipeline }: { pipeline: string }) {
  const { data, error } = useReleases(pipeline);
  const now = useNow(30_000);
  if (error) return <p className="problem">{error.message}</p>;
  if (!data) return <p className="muted">Loading regions…</p>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label={`Regions of ${pipeline}`}>
        <thead>
          <tr>
            <th scope="col">Region</th>
            <th scope="col">Live release</th>
            <th scope="col">Health</th>
          </tr>
        </thead>
        <tbody>
          {data.regions.map((region) => (
            <tr key={region.name} data-testid={`region-${region.name}`}>
              <td>
                <strong>{region.name}</strong>
                <div className="muted small">
                  {region.timezone} · {localClock(new Date(now), region.timezone).time}
                </div>
              </td>
              <td>
                {region.release === null ? (
                  <span className="muted">nothing released yet</span>
                ) : (
                  <div className="release">
                    <span className="mono" title={region.release.commitId ?? ''}>
                      {region.release.commitId === null ? 'no commit' : region.release.commitId.slice(0, 10)}
                    </span>
                    {region.release.artifacts.map((artifact) => (
                      <span key={artifact.name} className="mono small" title={`${artifact.name} sha256:${artifact.digest}`}>
                        {artifact.name}@{shortDigest(artifact.digest)}
                      </span>
                    ))}
                    <span className="small">
                      {region.release.at !== null && <time title={formatInstant(region.release.at)}>{relativeTime(region.release.at, now)}</time>} by{' '}
                      <a href={href({ page: 'execution', id: region.release.executionId, action: null })} className="mono">
                        {shortId(region.release.executionId)}
                      </a>
                    </span>
                  </div>
                )}
              </td>
              <td>
                <StatusBadge status={region.health.state} />
                {region.health.detail !== null && <div className="muted small">{region.health.detail}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
