import type { Kysely } from 'kysely';

// Deployment windows: an action waiting for its region's window says so (`waiting_for`,
// and when the window opens), so the wait survives a restart; an operator's override of a
// region's window for one execution is kept with who, when and why.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('action_executions').addColumn('waiting_for', 'text').execute();
  await db.schema.alterTable('action_executions').addColumn('opens_at', 'text').execute();
  await db.schema
    .createTable('window_overrides')
    .addColumn('execution_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('window_overrides_pk', ['execution_id', 'region'])
    .execute();
}
