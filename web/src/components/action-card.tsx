/** One action of an execution: status, attempt, duration, what it waits for, and what an operator may do about it. */
import type { ActionView } from '../api/types';
import { useMeContext } from '../auth/me-context';
import { durationBetween, formatInstant, relativeTime } from '../lib/format';
import { href } from '../router';
import { ApprovalForm } from './approval-form';
import { OverrideForm, type OverrideScope } from './override-form';
import { StatusBadge } from './status-badge';

export function ActionCard({
  executionId,
  action,
  timezone,
  now,
  selected,
  override = null,
}: {
  executionId: string;
  action: ActionView;
  timezone: string;
  now: number;
  selected: boolean;
  /** The window override this card offers (to operators): its region's, or its lane's. */
  override?: OverrideScope | null;
}) {
  const me = useMeContext();
  const provider = action.provider.split('/').at(-1) ?? action.provider;
  return (
    <article
      className={`action-card action-card--${action.status}${selected ? ' action-card--selected' : ''}`}
      data-testid={`action-${action.name}`}
      aria-label={`${action.name}: ${action.status}`}
    >
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
      {me.canOperate && override !== null && <OverrideForm executionId={executionId} scope={override} />}
    </article>
  );
}

/** What the action waits for (domain/waits-for.ts says it, the server sends it); a window's opening also in full, in the region's zone. */
function WaitReason({ action, timezone, now }: { action: ActionView; timezone: string; now: number }) {
  const waits = action.waitsFor ?? null;
  if (action.status !== 'Waiting' && waits === null) return null;
  const opening = action.waitingFor === 'window' && action.status === 'Waiting' ? action.opensAt : null;
  return (
    <p className={`small ${action.status === 'Waiting' ? 'wait' : 'muted'}`} data-testid={`wait-${action.name}`}>
      <span data-testid={`waits-for-${action.name}`} data-kind={waits?.kind ?? ''}>
        {waits !== null
          ? `${waits.kind === 'approval' ? 'Waiting for approval: ' : 'Waits for '}${waits.text}`
          : action.waitingFor === 'approval'
            ? 'Waiting for approval'
            : (action.waitingReason ?? 'Waiting')}
      </span>
      {opening !== null ? (
        <span className="wait__detail">
          Window opens at{' '}
          <time dateTime={opening} title={`${formatInstant(opening)} in your time zone`}>
            {formatInstant(opening, timezone)} {timezone}
          </time>{' '}
          ({relativeTime(opening, now)})
        </span>
      ) : (
        waits?.until !== undefined && (
          <span className="wait__detail">
            at the earliest{' '}
            <time dateTime={waits.until} title={`${formatInstant(waits.until, timezone)} ${timezone}`}>
              {relativeTime(waits.until, now)}
            </time>
          </span>
        )
      )}
    </p>
  );
}
