/**
 * A process that stops in the middle of a transaction (a replica frozen with SIGSTOP, a
 * paused machine) must not hold an execution's row lock for ever: PostgreSQL ends a session
 * idle inside a transaction (open-postgres.ts sets idle_in_transaction_session_timeout), its
 * locks go with it, and the writer waiting for them goes on. Real PostgreSQL; the timeout is
 * shortened here so the test does not wait the default.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/stores/state/postgres/open-postgres.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';

describe.skipIf(!hasPostgres)('a session idle inside a transaction', () => {
  it('is ended by PostgreSQL, releasing the row lock another writer waits for', async () => {
    const url = await freshDatabase();
    const stalled = await openPostgres(url, { idleInTransactionMs: 500 });
    const other = await openPostgres(url);
    try {
      await sql`insert into executions (seq, id, pipeline, status, trigger, definition, context, started_at) values (1, 'e1', 'p', 'InProgress', '{}', '{}', '{}', '2026-11-27T10:00:00.000Z')`.execute(
        other,
      );
      let release!: () => void;
      const frozen = new Promise<void>((resolve) => (release = resolve));
      // The stalled process: locks the execution's row, then does nothing (as if stopped).
      const stalledTransaction = stalled.transaction().execute(async (tx) => {
        await sql`select id from executions where id = 'e1' for update`.execute(tx);
        await frozen;
        await sql`select 1`.execute(tx);
      });
      const outcome = stalledTransaction.then(
        () => 'committed',
        (error: Error) => error.message,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Another writer of the same execution waits for the lock, and gets it once the session is ended.
      const started = Date.now();
      await other.transaction().execute(async (tx) => {
        await sql`select id from executions where id = 'e1' for update`.execute(tx);
        await sql`update executions set status = 'Failed' where id = 'e1'`.execute(tx);
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      release();
      // The stalled process learns its transaction is gone when it wakes: nothing it wrote commits.
      expect(await outcome).toMatch(/terminat|Connection|idle-in-transaction/i);
      const rows = await sql<{ status: string }>`select status from executions where id = 'e1'`.execute(other);
      expect(rows.rows[0]?.status).toBe('Failed');
      // The process that was stalled goes on with fresh sessions.
      expect((await sql<{ one: number }>`select 1 as one`.execute(stalled)).rows).toEqual([{ one: 1 }]);
    } finally {
      await stalled.destroy().catch(() => undefined);
      await other.destroy();
    }
  }, 30_000);
});
