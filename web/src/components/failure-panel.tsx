/** Each failed action: its error and the last lines of its log, colours rendered. */
import { useQuery } from '@tanstack/react-query';
import { apiText, encode } from '../api/client';
import type { ActionView, ExecutionView } from '../api/types';
import { AnsiLine } from '../logs/ansi-line';
import { parseAnsi } from '../logs/ansi';
import { href } from '../router';

const TAIL = 30;

export function FailurePanel({ execution }: { execution: ExecutionView }) {
  const failed = execution.stages.flatMap((s) => s.actions).filter((a) => a.status === 'Failed' || a.status === 'Abandoned');
  if (failed.length === 0 && execution.error === null) return null;
  return (
    <section className="card card--bad" aria-label="What failed" data-testid="failure-panel">
      <h2>What failed</h2>
      {failed.length === 0 && execution.error !== null && (
        <p>
          <span className="mono">{execution.error.code}</span> {execution.error.message}
        </p>
      )}
      {failed.map((action) => (
        <FailedAction key={`${action.stage}/${action.name}`} executionId={execution.executionId} action={action} />
      ))}
    </section>
  );
}

function FailedAction({ executionId, action }: { executionId: string; action: ActionView }) {
  const tail = useQuery({
    queryKey: ['log-tail', executionId, action.name, action.attempts],
    queryFn: () => apiText(`executions/${encode(executionId)}/actions/${encode(action.name)}/log?attempt=${action.attempts}`),
  });
  let style = {};
  const lines = (tail.data ?? '')
    .replace(/\n$/, '')
    .split('\n')
    .slice(-TAIL)
    .map((line) => {
      const parsed = parseAnsi(line, style);
      style = parsed.end;
      return parsed.segments;
    });
  return (
    <div className="failed-action">
      <h3>
        <span className="mono">{action.name}</span>{' '}
        <span className="muted small">
          ({action.region}, attempt {action.attempts})
        </span>
      </h3>
      {action.error && (
        <p>
          <span className="mono">{action.error.code}</span> {action.error.message}
        </p>
      )}
      <pre className="log-tail" aria-label={`Last lines of the log of ${action.name}`}>
        {tail.isLoading
          ? 'loading the log…'
          : lines.map((segments, index) => (
              <div key={index}>
                <AnsiLine segments={segments} highlight="" />
              </div>
            ))}
      </pre>
      <a href={href({ page: 'execution', id: executionId, action: action.name })}>Whole log</a>
    </div>
  );
}
