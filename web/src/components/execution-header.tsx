/** The execution's status, trigger, revision and timing, and the operator's stop and retry. */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { retryStage, stopExecution } from '../api/actions';
import type { ExecutionView } from '../api/types';
import { useMeContext } from '../auth/me-context';
import { durationBetween, formatInstant, shortId } from '../lib/format';
import { href } from '../router';
import { LinkedIds, RollbackTag } from './linked-ids';
import { StatusBadge } from './status-badge';

export function ExecutionHeader({ execution, now, live }: { execution: ExecutionView; now: number; live: boolean }) {
  const me = useMeContext();
  const source = execution.sources[0];
  return (
    <header className="execution-header">
      <div className="execution-header__title">
        <h1>
          <a href={href({ page: 'executions', pipeline: execution.pipeline, status: null })}>{execution.pipeline}</a>{' '}
          <span className="mono muted" title={execution.executionId}>
            {shortId(execution.executionId)}
          </span>
        </h1>
        <StatusBadge status={execution.status} testId="execution-status" />
        <span className={`live ${live ? 'live--on' : ''}`} title={live ? 'live updates connected' : 'live updates reconnecting'}>
          {live ? 'live' : 'offline'}
        </span>
      </div>
      <dl className="facts small">
        <div>
          <dt>Started</dt>
          <dd>{formatInstant(execution.startedAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd className="mono">{durationBetween(execution.startedAt, execution.endedAt, now)}</dd>
        </div>
        <div>
          <dt>Trigger</dt>
          <dd data-testid="trigger">
            <RollbackTag trigger={execution.trigger} /> <LinkedIds text={execution.trigger.detail ?? execution.trigger.type} />
          </dd>
        </div>
        {source && (
          <div>
            <dt>Revision</dt>
            <dd>
              <span className="mono" title={source.commitId ?? ''}>
                {source.commitId?.slice(0, 10) ?? '—'}
              </span>{' '}
              {source.message?.split('\n')[0] ?? ''}
            </dd>
          </div>
        )}
      </dl>
      {me.canOperate && <Controls execution={execution} />}
    </header>
  );
}

function Controls({ execution }: { execution: ExecutionView }) {
  const [reason, setReason] = useState('');
  const stop = useMutation({ mutationFn: (abandon: boolean) => stopExecution(execution.executionId, abandon, reason) });
  const retry = useMutation({ mutationFn: (mode: 'FAILED_ACTIONS' | 'ALL_ACTIONS') => retryStage(execution.executionId, mode) });
  const running = execution.status === 'InProgress';
  const retryable = execution.status === 'Failed' || execution.status === 'Stopped';
  if (!running && !retryable) return null;
  return (
    <div className="controls">
      {running && (
        <form className="inline-form row-form" onSubmit={(e) => e.preventDefault()} aria-label="Stop this execution">
          <input
            aria-label="Reason for stopping"
            placeholder="reason for stopping"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={200}
          />
          <button type="button" onClick={() => stop.mutate(false)} disabled={stop.isPending}>
            Stop
          </button>
          <button type="button" className="danger" onClick={() => stop.mutate(true)} disabled={stop.isPending}>
            Stop and abandon
          </button>
        </form>
      )}
      {retryable && (
        <div className="buttons">
          <button type="button" className="primary" onClick={() => retry.mutate('FAILED_ACTIONS')} disabled={retry.isPending}>
            Retry failed stage
          </button>
          <button type="button" onClick={() => retry.mutate('ALL_ACTIONS')} disabled={retry.isPending}>
            Retry stage, all actions
          </button>
        </div>
      )}
      {(stop.error ?? retry.error) && <p className="problem">{(stop.error ?? retry.error)?.message}</p>}
    </div>
  );
}
