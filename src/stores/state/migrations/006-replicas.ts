import type { Kysely } from 'kysely';

// Servers sharing one database say they are alive every few seconds; one whose heartbeat
// stops is gone, and another server adopts the executions it was driving.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('replicas')
    .addColumn('owner', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .execute();
}
