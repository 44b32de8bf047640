import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// What the server needs: an order among executions of a pipeline (execution modes), API
// tokens (only their hashes), webhook deliveries (deduplication), and the last commit each
// polled source was seen at.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('executions')
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Executions made before this migration get their order from when they started.
  await sql`update executions set seq = (select count(*) from executions e2 where e2.started_at < executions.started_at or (e2.started_at = executions.started_at and e2.id <= executions.id))`.execute(
    db,
  );
  await db.schema.createIndex('executions_pipeline_seq').on('executions').columns(['pipeline', 'seq']).execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('pipeline', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('execution_id', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_deliveries_pk', ['pipeline', 'delivery_id'])
    .execute();

  await db.schema
    .createTable('source_polls')
    .addColumn('pipeline', 'text', (c) => c.notNull())
    .addColumn('source_action', 'text', (c) => c.notNull())
    .addColumn('revision', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('source_polls_pk', ['pipeline', 'source_action'])
    .execute();
}
