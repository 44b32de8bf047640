import type { Kysely } from 'kysely';

// Why a stage failed or stopped (JSON StageError): a failed health check, condition or action,
// a stop; shown in the execution summary. Types shared by both dialects.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stage_executions').addColumn('error', 'text').execute();
}
