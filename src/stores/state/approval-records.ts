/**
 * Answers to approval actions: who approved or rejected, when, with what comment. A wait is
 * answered once: each answer names the wait it ends (the action's start, `waited_since`), and
 * the unique index `approvals_once` (migration 010) keeps a second answer to it out.
 */
import { MeridianError } from '../../domain/errors.js';
import type { ApprovalRecord } from '../../domain/records.js';
import type { Db } from './db.js';
import { toApproval } from './row-mappers.js';

/** What recording an answer came to: `recorded` false when the wait had an answer already, which is `standing`. */
export interface ApprovalRecording {
  recorded: boolean;
  standing: ApprovalRecord;
}

/**
 * Records `approval` as the answer to the action's current wait unless that wait has one; a
 * compare-and-set: the first answer stands, whatever runs beside this transaction.
 */
export async function recordApproval(db: Db, approval: ApprovalRecord): Promise<ApprovalRecording> {
  const action = await db
    .selectFrom('action_executions')
    .select('started_at')
    .where('execution_id', '=', approval.executionId)
    .where('stage', '=', approval.stage)
    .where('name', '=', approval.action)
    .executeTakeFirst();
  const since = action?.started_at ?? approval.at;
  const key = { executionId: approval.executionId, stage: approval.stage, action: approval.action, since };
  const earlier = await findApproval(db, key);
  if (earlier) return { recorded: false, standing: earlier };
  // An answer committed beside this one since the look above: the index refuses this one
  // without failing the transaction (PostgreSQL waits for that answer's commit, then skips).
  const inserted = await db
    .insertInto('approvals')
    .values({
      execution_id: approval.executionId,
      stage: approval.stage,
      action: approval.action,
      status: approval.status,
      comment: approval.comment,
      by: approval.by,
      at: approval.at,
      waited_since: since,
    })
    .onConflict((oc) => oc.columns(['execution_id', 'stage', 'action', 'waited_since']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { recorded: true, standing: approval };
  const standing = await findApproval(db, key);
  if (!standing) throw new MeridianError('INTERNAL', `the answer to ${approval.action} was refused as a second one, yet no first answer is stored`);
  return { recorded: false, standing };
}

/** The first answer to an approval action given at or after `since` (the start of its wait): the one that stands. */
export async function findApproval(db: Db, key: { executionId: string; stage: string; action: string; since: string }): Promise<ApprovalRecord | undefined> {
  const row = await db
    .selectFrom('approvals')
    .selectAll()
    .where('execution_id', '=', key.executionId)
    .where('stage', '=', key.stage)
    .where('action', '=', key.action)
    .where('at', '>=', key.since)
    .orderBy('at', 'asc')
    .executeTakeFirst();
  return row ? toApproval(row) : undefined;
}
