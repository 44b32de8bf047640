import type { Kysely } from 'kysely';

// Every rollback a failed stage started (a failed health check, a ROLLBACK condition): which
// execution, stage and regions, why, and the rollback executions. The regions it undid mark
// the forward execution's releases there as not good, so a later rollback never goes back to
// them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rollbacks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('execution_id', 'text', (c) => c.notNull())
    .addColumn('stage_index', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('regions', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('rollback_executions', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rollbacks_execution').on('rollbacks').column('execution_id').execute();
}
