/** Answers to approval actions: who approved or rejected, when, with what comment. */
import type { ApprovalRecord } from '../../domain/records.js';
import type { Db } from './db.js';
import { toApproval } from './row-mappers.js';

export async function recordApproval(db: Db, approval: ApprovalRecord): Promise<void> {
  await db
    .insertInto('approvals')
    .values({
      execution_id: approval.executionId,
      stage: approval.stage,
      action: approval.action,
      status: approval.status,
      comment: approval.comment,
      by: approval.by,
      at: approval.at,
    })
    .execute();
}

/** The newest answer to an approval action given at or after `since`. */
export async function findApproval(db: Db, key: { executionId: string; stage: string; action: string; since: string }): Promise<ApprovalRecord | undefined> {
  const row = await db
    .selectFrom('approvals')
    .selectAll()
    .where('execution_id', '=', key.executionId)
    .where('stage', '=', key.stage)
    .where('action', '=', key.action)
    .where('at', '>=', key.since)
    .orderBy('at', 'desc')
    .executeTakeFirst();
  return row ? toApproval(row) : undefined;
}
