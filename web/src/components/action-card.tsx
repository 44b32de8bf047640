/** One action of an execution: status, attempt, duration, why it waits, and what an operator may do about it. */
import type { ActionView } from '../api/types';
import { useMeContext } from '../auth/me-context';
import { durationBetween, formatInstant, relativeTime } from '../lib/format';
import { href } from '../router';
import { ApprovalForm } from './approval-form';
import { OverrideForm } from './override-form';
import { StatusBadge } from './status-badge';

export function ActionCard({ executionId, action, timezone, now, selected }: { executionId: string; action: ActionView; timezone: string; now: number; selected: boolean }) {
  const me = useMeContext();
  const provider = action.provider.split('/').at(-1) ?? action.provider;
  return (
    <article className={`action-card action-card--${action.status}${selected ? ' action-card--selected' : ''}`} data-testid={`action-${action.name}`} aria-label={`${action.name}: ${action.status}`}>
      <header>
        <h4 className="mono">{action.name}</h4>
        <StatusBadge status={action.status} testId={`action-status-${action.name}`} />
      </header>
      <p className="muted small">
        {provider}
        {action.attempts > 1 && ` · attempt ${action.attempts}`}
        {action.startedAt !== null && ` · ${durationBetween(action.startedAt, action.endedAt, now)}`}
      </p>
      <WaitReason action={action} timezone={timezone} now={now} />
      {action.error !== null && (
        <p className="problem small">
          <span className="mono">{action.error.code}</span> {action.error.message}
        </p>
      )}
      <footer className="buttons">
        {action.attempts > 0 && (
          <a className="button" href={href({ page: 'execution', id: executionId, action: action.name })} aria-label={`Log of ${action.name}`}>
            Log
          </a>
        )}
      </footer>
      {me.canOperate && action.waitingFor === 'approval' && <ApprovalForm executionId={executionId} action={action} />}
      {me.canOperate && action.waitingFor === 'window' && <OverrideForm executionId={executionId} region={action.region} />}
    </article>
  );
}

function WaitReason({ action, timezone, now }: { action: ActionView; timezone: string; now: number }) {
  if (action.status !== 'Waiting') return null;
  if (action.waitingFor === 'window') {
    return (
      <p className="wait small" data-testid={`wait-${action.name}`}>
        {action.opensAt === null ? (
          'Waiting: no window opens within a year'
        ) : (
          <>
            Window opens at{' '}
            <time dateTime={action.opensAt} title={`${formatInstant(action.opensAt)} in your time zone`}>
              {formatInstant(action.opensAt, timezone)} {timezone}
            </time>{' '}
            ({relativeTime(action.opensAt, now)})
          </>
        )}
      </p>
    );
  }
  if (action.waitingFor === 'approval') return <p className="wait small">Waiting for approval</p>;
  return <p className="wait small">{action.waitingReason ?? 'Waiting'}</p>;
}
