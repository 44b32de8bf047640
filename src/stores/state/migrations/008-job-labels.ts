import type { Kysely } from 'kysely';

// Agent labels a job asks for (its action's `runsOn`): an agent claims a job only when it
// has every one of them. A row per label, so the claim can say "no label this agent lacks"
// in plain SQL on both dialects.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('job_labels')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_labels_pk', ['job_id', 'label'])
    .execute();
}
