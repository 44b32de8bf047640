import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';

// A manual approval is answered once per wait: each answer names the wait it ends (the start
// of the action's run, `waited_since`), and a unique index keeps a second answer to the same
// wait out, so of two operators answering at once one answer is recorded and the other is
// refused. Databases that already hold several answers to one wait keep the first of them
// (by time) and lose the others; the events still tell of every answer that was given.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('approvals').addColumn('waited_since', 'text').execute();
  const postgres = isPostgres(db);
  // No primary key: rows are told apart by SQLite's rowid or PostgreSQL's ctid.
  const rowId = postgres ? sql<string>`ctid::text` : sql<string>`rowid`;
  const rows = (
    await sql<{ id: string | number; execution_id: string; stage: string; action: string; at: string }>`
      select ${rowId} as id, execution_id, stage, action, at from approvals order by at, id`.execute(db)
  ).rows;
  if (rows.length === 0) return createIndex(db);

  // The waits each action had: its current one (from its start, as the engine keys new answers)
  // and, for answers given before it, the starts its events recorded.
  const current = new Map<string, string>();
  const earlier = new Map<string, string[]>();
  const actions = await sql<{ execution_id: string; stage: string; name: string; started_at: string | null }>`
      select execution_id, stage, name, started_at from action_executions
      where execution_id in (select execution_id from approvals)`.execute(db);
  for (const a of actions.rows) if (a.started_at !== null) current.set(keyOf(a.execution_id, a.stage, a.name), a.started_at);
  const started = await sql<{ execution_id: string; stage: string | null; action: string | null; at: string }>`
      select execution_id, stage, action, at from events
      where type = 'action-started' and execution_id in (select execution_id from approvals)`.execute(db);
  for (const e of started.rows) {
    if (e.stage === null || e.action === null) continue;
    const key = keyOf(e.execution_id, e.stage, e.action);
    earlier.set(key, [...(earlier.get(key) ?? []), e.at]);
  }
  const waitOf = (key: string, at: string): string => {
    const start = current.get(key);
    if (start !== undefined && start <= at) return start;
    // The latest start at or before the answer; an answer before any known start is a wait of its own.
    return (
      (earlier.get(key) ?? [])
        .filter((s) => s <= at)
        .sort()
        .at(-1) ?? at
    );
  };

  const seen = new Set<string>();
  const kept: Array<{ id: string | number; since: string }> = [];
  const dropped: Array<string | number> = [];
  for (const row of rows) {
    const key = keyOf(row.execution_id, row.stage, row.action);
    const since = waitOf(key, row.at);
    const wait = `${key}\u0000${since}`;
    if (seen.has(wait)) dropped.push(row.id);
    else {
      seen.add(wait);
      kept.push({ id: row.id, since });
    }
  }
  // Deletes first: in PostgreSQL an update moves its row to a new ctid, a delete moves none.
  const byId = (id: string | number) => (postgres ? sql`ctid = ${id}::tid` : sql`rowid = ${id}`);
  for (const id of dropped) await sql`delete from approvals where ${byId(id)}`.execute(db);
  for (const { id, since } of kept) await sql`update approvals set waited_since = ${since} where ${byId(id)}`.execute(db);
  await createIndex(db);
}

function keyOf(executionId: string, stage: string, action: string): string {
  return `${executionId}\u0000${stage}\u0000${action}`;
}

async function createIndex(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('approvals_once').on('approvals').columns(['execution_id', 'stage', 'action', 'waited_since']).unique().execute();
}
