import type { Kysely } from 'kysely';
import { isPostgres } from './dialect.js';

// Forward-only. Types are kept to text/integer so the same migration runs on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('executions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pipeline', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('context', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('owner', 'text')
    .addColumn('stop_mode', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('executions_pipeline_started').on('executions').columns(['pipeline', 'started_at']).execute();

  await db.schema
    .createTable('stage_executions')
    .addColumn('execution_id', 'text', (c) => c.notNull())
    .addColumn('stage_index', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('ended_at', 'text')
    .addPrimaryKeyConstraint('stage_executions_pk', ['execution_id', 'stage_index'])
    .execute();

  await db.schema
    .createTable('action_executions')
    .addColumn('execution_id', 'text', (c) => c.notNull())
    .addColumn('stage_index', 'integer', (c) => c.notNull())
    .addColumn('action_index', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('run_order', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('waiting_reason', 'text')
    .addColumn('output_variables', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('action_executions_pk', ['execution_id', 'stage_index', 'action_index'])
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('execution_id', 'text', (c) => c.notNull())
    .addColumn('stage_index', 'integer', (c) => c.notNull())
    .addColumn('action_index', 'integer', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_status').on('jobs').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('events')
    // SQLite: integer primary key autoincrement; PostgreSQL has serial for the same thing.
    .addColumn('id', isPostgres(db) ? 'serial' : 'integer', (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('execution_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('stage', 'text')
    .addColumn('action', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .execute();
  await db.schema.createIndex('events_execution').on('events').columns(['execution_id', 'id']).execute();

  await db.schema
    .createTable('artifacts')
    .addColumn('execution_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('produced_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('artifacts_pk', ['execution_id', 'name'])
    .execute();

  await db.schema
    .createTable('approvals')
    .addColumn('execution_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('by', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('parameters')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('parameters_pk', ['name', 'version'])
    .execute();

  await db.schema
    .createTable('secrets')
    .addColumn('secret_id', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('stages', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('secrets_pk', ['secret_id', 'version_id'])
    .execute();

  await db.schema
    .createTable('exports')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
