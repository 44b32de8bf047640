/** The execution's artifacts: content digest, size, who produced them, and which regional stores hold them. */
import type { ExecutionView } from '../api/types';
import { formatBytes, shortDigest } from '../lib/format';

export function ArtifactsTable({ execution }: { execution: ExecutionView }) {
  if (execution.artifacts.length === 0) return null;
  const regions = execution.regions.map((r) => r.name);
  return (
    <section className="card" aria-labelledby="artifacts-title">
      <h2 id="artifacts-title">Artifacts</h2>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Digest (SHA-256)</th>
              <th scope="col">Size</th>
              <th scope="col">Produced by</th>
              <th scope="col">Held in</th>
            </tr>
          </thead>
          <tbody>
            {execution.artifacts.map((artifact) => (
              <tr key={artifact.name} data-testid={`artifact-${artifact.name}`}>
                <td className="mono">{artifact.name}</td>
                <td className="mono" title={artifact.digest}>
                  {shortDigest(artifact.digest)}…
                </td>
                <td>{formatBytes(artifact.size)}</td>
                <td>
                  <span className="mono">{artifact.producedBy}</span> <span className="muted small">({artifact.region})</span>
                </td>
                <td>
                  <ul className="chips">
                    {regions.map((region) => {
                      const state = artifact.heldIn.includes(region) ? 'held' : artifact.unchecked.includes(region) ? 'unchecked' : 'missing';
                      return (
                        <li
                          key={region}
                          className={`chip chip--${state}`}
                          title={`${region}: ${state === 'held' ? 'in its store' : state === 'unchecked' ? 'an S3 store, not checked from here' : 'not in its store'}`}
                        >
                          {state === 'held' ? '✓' : state === 'unchecked' ? '?' : '–'} {region}
                        </li>
                      );
                    })}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
