/** The last executions of a pipeline, newest first. */
import { useRecentExecutions } from '../api/queries';
import { durationBetween, formatInstant, relativeTime, shortId } from '../lib/format';
import { useNow } from '../lib/use-now';
import { href } from '../router';
import { RollbackTag } from './linked-ids';
import { StatusBadge } from './status-badge';

export function RecentExecutions({ pipeline, limit = 5 }: { pipeline: string; limit?: number }) {
  const { data, error } = useRecentExecutions(pipeline, limit);
  const now = useNow(1000);
  if (error) return <p className="problem">{error.message}</p>;
  if (!data) return <p className="muted">Loading executions…</p>;
  if (data.length === 0) return <p className="muted">No executions yet.</p>;
  return (
    <ul className="rows" aria-label={`Last executions of ${pipeline}`}>
      {data.map((execution) => (
        <li key={execution.executionId} className="row">
          <StatusBadge status={execution.status} />
          <a className="mono" href={href({ page: 'execution', id: execution.executionId, action: null })}>
            {shortId(execution.executionId)}
          </a>
          <RollbackTag trigger={execution.trigger} />
          <span className="muted small grow ellipsis" title={execution.trigger.detail ?? ''}>
            {execution.trigger.detail ?? execution.trigger.type}
          </span>
          <time className="small" title={formatInstant(execution.startedAt)}>
            {relativeTime(execution.startedAt, now)}
          </time>
          <span className="small mono">{durationBetween(execution.startedAt, execution.endedAt, now)}</span>
        </li>
      ))}
    </ul>
  );
}
