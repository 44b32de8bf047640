/**
 * Text the server wrote (a trigger's detail, an event's description) with every execution id
 * in it made a link to that execution: a rollback names the execution it undid and where each
 * region went back to, and the failed execution names its rollbacks.
 */
import { Fragment } from 'react';
import type { Trigger } from '../api/types';
import { shortId } from '../lib/format';
import { href } from '../router';

const EXECUTION_ID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/;

export function LinkedIds({ text }: { text: string }) {
  // split() with a capturing group puts the ids at the odd indexes.
  return (
    <>
      {text.split(EXECUTION_ID).map((part, index) =>
        index % 2 === 1 ? (
          <a key={index} className="mono" href={href({ page: 'execution', id: part, action: null })} title={part}>
            {shortId(part)}
          </a>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  );
}

/** Marks an execution whose trigger is `rollback`; nothing for other triggers. */
export function RollbackTag({ trigger }: { trigger: Trigger }) {
  if (trigger.type !== 'rollback') return null;
  return (
    <span className="badge badge--rollback" data-testid="rollback-tag">
      Rollback
    </span>
  );
}
