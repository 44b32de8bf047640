import type { Kysely } from 'kysely';

// The process groups of a running attempt's programs (with the host, the leader's start time
// and the attempt's scratch folder): when the process running Meridian dies, the groups live
// on, and whoever takes the job over ends them before the action runs again. Types shared by
// both dialects.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('job_processes')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('pgid', 'integer', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('started', 'text', (c) => c.notNull())
    .addColumn('scratch', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_processes_pk', ['job_id', 'pgid'])
    .execute();
  await db.schema.createIndex('job_processes_host').on('job_processes').column('host').execute();
}
