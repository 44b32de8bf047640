/**
 * Migration 010 on a database that already holds several answers to one approval's wait (as
 * Meridian stored them before it): on both stores, each wait keeps its first answer and loses
 * the others, a wait's answers are told apart from an earlier wait's by the action's starts,
 * and afterwards the store refuses a second answer to the current wait.
 */
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../src/stores/state/migrations/index.js';
import type { Database } from '../../src/stores/state/schema.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { insertWaitingApproval } from '../helpers/approval-wait.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp.js';

const STORES = [
  {
    name: 'SQLite',
    available: true,
    open: () => Promise.resolve(new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(path.join(tempDir(), 'state.db')) }) })),
  },
  {
    name: 'PostgreSQL',
    available: hasPostgres,
    open: async () => new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: await freshDatabase(), max: 2 }) }) }),
  },
] as const;

const at = (minute: number): string => `2026-12-05T10:${String(minute).padStart(2, '0')}:00.000Z`;
const answer = (status: string, by: string, minute: number) => ({ execution_id: 'e1', stage: 'Gate', action: 'go', status, comment: null, by, at: at(minute) });

describe.each(STORES)('migration 010-approval-once on $name', ({ available, open }) => {
  let db: Kysely<Database> | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  it.skipIf(!available)('keeps the first answer of each wait, and the current wait refuses another', async () => {
    db = await open();
    const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
    expect((await migrator.migrateTo('009-halts')).error).toBeUndefined();

    // The approval ran twice (a stage retry): started at :00, then at :10, and waits now.
    const started = (minute: number) => ({
      execution_id: 'e1',
      at: at(minute),
      type: 'action-started',
      stage: 'Gate',
      action: 'go',
      description: 'go started',
    });
    await db
      .insertInto('events')
      .values([started(0), started(10)])
      .execute();
    await insertWaitingApproval(db, at(10), 2);
    // Before 010 every answer was stored: two to the first wait, three to the current one (two at the same instant).
    const before = [answer('Rejected', 'bob', 1), answer('Approved', 'carol', 2), answer('Rejected', 'alice', 11), answer('Approved', 'dave', 12)];
    await db
      .insertInto('approvals')
      .values([...before, answer('Approved', 'erin', 12)] as never)
      .execute();

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const rows = await db.selectFrom('approvals').select(['status', 'by', 'at', 'waited_since']).orderBy('at').execute();
    expect(rows).toEqual([
      { status: 'Rejected', by: 'bob', at: at(1), waited_since: at(0) },
      { status: 'Rejected', by: 'alice', at: at(11), waited_since: at(10) },
    ]);

    // The current wait has its answer: another is refused, naming the first, and not stored.
    const store = new StateStore(db);
    const again = await store.recordApproval(db, {
      executionId: 'e1',
      stage: 'Gate',
      action: 'go',
      status: 'Approved',
      comment: null,
      by: 'frank',
      at: at(20),
    });
    expect(again).toMatchObject({ recorded: false, standing: { status: 'Rejected', by: 'alice', at: at(11) } });
    expect(await store.findApproval(db, { executionId: 'e1', stage: 'Gate', action: 'go', since: at(10) })).toMatchObject({ by: 'alice' });
    // And the index holds even for a write that does not look first.
    await expect(
      db
        .insertInto('approvals')
        .values({ ...answer('Approved', 'grace', 21), waited_since: at(10) })
        .execute(),
    ).rejects.toThrow(/unique|UNIQUE/);
    expect(await db.selectFrom('approvals').select('by').execute()).toHaveLength(2);
  });
});
