import type { Kysely } from 'kysely';

// Test reports an action produced (JSON TestReport[]), shown in summaries.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('action_executions').addColumn('reports', 'text').execute();
}
