import { sql, type Kysely } from 'kysely';

// Emergency halts: an operator stops every deploy step from starting in a region (scope = the
// region) or everywhere (scope = '*') until the halt is lifted. Rows stay as the history, with
// who halted and lifted, when and why; at most one halt of a scope is active (not lifted), so
// two operators halting at once get one halt and one refusal.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('halts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('lifted_by', 'text')
    .addColumn('lifted_reason', 'text')
    .addColumn('lifted_at', 'text')
    .execute();
  await db.schema.createIndex('halts_active_scope').on('halts').column('scope').unique().where(sql.ref('lifted_at'), 'is', null).execute();
}
