/**
 * One execution, live: stages with their waves and regions, why anything waits, what
 * failed, its artifacts and events, and the log of the action picked (`?action=`). The view
 * arrives over Server-Sent Events each time the engine commits a change.
 */
import { useExecutionView } from '../api/queries';
import { useExecutionStream } from '../api/use-execution-stream';
import { ArtifactsTable } from '../components/artifacts-table';
import { EventsList } from '../components/events-list';
import { ExecutionHeader } from '../components/execution-header';
import { FailurePanel } from '../components/failure-panel';
import { StageGrid } from '../components/stage-grid';
import { useNow } from '../lib/use-now';
import { LogPane } from '../logs/log-pane';
import { href } from '../router';

export function ExecutionPage({ id, action }: { id: string; action: string | null }) {
  const view = useExecutionView(id);
  const stream = useExecutionStream(id);
  const now = useNow(1000);
  if (view.error) return <p className="problem">{view.error.message}</p>;
  const execution = view.data;
  if (!execution) return <p className="muted">Loading the execution…</p>;
  return (
    <div className="stack">
      <ExecutionHeader execution={execution} now={now} live={stream.live} />
      {stream.problem !== null && <p className="problem">Live updates: {stream.problem}</p>}
      {execution.stageWait && (
        <p className="banner banner--wait" data-testid="stage-wait">
          Waiting to enter stage {execution.stageWait.stage}: {execution.stageWait.reason}
          {execution.stageWait.lockedBy !== null && (
            <>
              {' '}
              (<a href={href({ page: 'execution', id: execution.stageWait.lockedBy, action: null })}>the execution holding it</a>)
            </>
          )}
        </p>
      )}
      <FailurePanel execution={execution} />
      {action !== null && (
        <LogPane key={action} executionId={execution.executionId} action={action} closeHref={href({ page: 'execution', id, action: null })} />
      )}
      <div className="stages">
        {execution.stages.map((stage) => (
          <StageGrid key={stage.name} execution={execution} stage={stage} now={now} selectedAction={action} />
        ))}
      </div>
      <ArtifactsTable execution={execution} />
      <EventsList events={stream.events} />
    </div>
  );
}
