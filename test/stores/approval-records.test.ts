/**
 * The approvals store's compare-and-set on its own, without the engine's execution lock: of
 * ten transactions recording an answer to one wait at once, on each store, one records it and
 * the nine others are told which answer stands, without an error; a later wait of the same
 * action (its start moved on) takes its own first answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/stores/state/schema.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { insertWaitingApproval } from '../helpers/approval-wait.js';
import { BACKENDS } from '../helpers/state-backends.js';

const at = (second: number): string => `2026-12-05T10:00:${String(second).padStart(2, '0')}.000Z`;

describe.each(BACKENDS)('recording approvals on $name', (backend) => {
  let db: Kysely<Database> | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  it.skipIf(!backend.available)('records the first of ten answers given at once to one wait, and tells the others which stands, without an error', async () => {
    db = (await backend.open()).db;
    const store = new StateStore(db);
    await insertWaitingApproval(db, at(0), 1, {
      ended_at: null,
      waiting_reason: 'approval',
      error: null,
      reports: null,
      waiting_for: null,
      opens_at: null,
    });
    const answer = (i: number) => ({
      executionId: 'e1',
      stage: 'Gate',
      action: 'go',
      status: i % 2 === 0 ? ('Approved' as const) : ('Rejected' as const),
      comment: `answer ${i}`,
      by: `operator-${i}`,
      at: at(1),
    });
    // The first holds its transaction open a while: on PostgreSQL the nine others look, find no
    // committed answer, and meet the first's row only as they insert.
    const slow = store.transaction(async (tx) => {
      const result = await store.recordApproval(tx, answer(0));
      await new Promise((resolve) => setTimeout(resolve, 300));
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const results = [slow, ...Array.from({ length: 9 }, (_, i) => store.transaction((tx) => store.recordApproval(tx, answer(i + 1))))];
    const settled = await Promise.all(results);
    expect(settled.map((r) => r.recorded)).toEqual([true, ...Array<boolean>(9).fill(false)]);
    const first = answer(0);
    for (const result of settled) expect(result.standing).toEqual(first);
    expect(await db.selectFrom('approvals').selectAll().execute()).toEqual([
      expect.objectContaining({ by: first.by, status: first.status, waited_since: at(0) }),
    ]);

    // The action runs again (a retried stage): a new wait, answered anew.
    await db
      .updateTable('action_executions')
      .set({ started_at: at(10) })
      .execute();
    const again = await store.transaction((tx) => store.recordApproval(tx, { ...answer(3), at: at(11) }));
    expect(again).toEqual({ recorded: true, standing: { ...answer(3), at: at(11) } });
    expect(await store.findApproval(db, { executionId: 'e1', stage: 'Gate', action: 'go', since: at(10) })).toMatchObject({ by: 'operator-3' });
  });
});
