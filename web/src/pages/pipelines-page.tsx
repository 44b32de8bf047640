/** Every pipeline: its regions with what is live there and their health, and its last executions. */
import { usePipelines } from '../api/queries';
import { useMeContext } from '../auth/me-context';
import { RecentExecutions } from '../components/recent-executions';
import { RegionReleases } from '../components/region-releases';
import { StartButton } from '../components/start-button';
import { href } from '../router';

export function PipelinesPage() {
  const { data, error } = usePipelines();
  const me = useMeContext();
  if (error) return <p className="problem">{error.message}</p>;
  if (!data) return <p className="muted">Loading pipelines…</p>;
  if (data.length === 0) return <p className="muted">No pipelines are loaded: start the server with `meridian serve -f FILE`.</p>;
  return (
    <div className="stack">
      <h1>Pipelines</h1>
      {data.map((pipeline) => (
        <section key={pipeline.name} className="card" aria-labelledby={`pipeline-${pipeline.name}`} data-testid={`pipeline-${pipeline.name}`}>
          <header className="card__header">
            <h2 id={`pipeline-${pipeline.name}`}>{pipeline.name}</h2>
            <span className="muted small">
              {pipeline.executionMode} · {pipeline.regions.length} regions · {pipeline.stages.length} stages
            </span>
            <span className="grow" />
            <a className="button" href={href({ page: 'night', pipeline: pipeline.name })}>
              Follow the night
            </a>
            <a className="button" href={href({ page: 'executions', pipeline: pipeline.name, status: null })}>
              All executions
            </a>
            {me.canOperate && <StartButton pipeline={pipeline.name} />}
          </header>
          <div className="split">
            <div>
              <h3>Regions</h3>
              <RegionReleases pipeline={pipeline.name} />
            </div>
            <div>
              <h3>Last executions</h3>
              <RecentExecutions pipeline={pipeline.name} />
            </div>
          </div>
        </section>
      ))}
    </div>
  );
}
