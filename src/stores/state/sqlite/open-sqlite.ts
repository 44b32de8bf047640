import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator } from 'kysely';
import { MeridianError } from '../../../domain/errors.js';
import { makeStateDir } from '../../state-dir.js';
import { migrations } from '../migrations/index.js';
import type { Database } from '../schema.js';
import { ImmediateSqliteDialect } from './immediate-dialect.js';
import { withStatementCache } from './statement-cache.js';

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens (creating if needed) `<stateDir>/state.db` and brings its schema up to date.
 * WAL and a busy timeout let a second process (`meridian approve`, another `run`, `serve`)
 * write while `run` works; write transactions take the write lock as they begin
 * (immediate-dialect.ts), so they wait their turn rather than fail.
 */
export async function openSqlite(stateDir: string): Promise<Kysely<Database>> {
  try {
    makeStateDir(stateDir);
    fs.accessSync(stateDir, fs.constants.R_OK | fs.constants.W_OK);
  } catch (cause) {
    throw new MeridianError('STATE_DIR', `cannot use state dir ${stateDir}: ${(cause as Error).message}. Pass --state-dir with a folder you can write to.`, {
      cause,
    });
  }
  let sqlite: SqliteDatabase.Database;
  try {
    // The busy timeout first: switching a new file to WAL takes a lock another process opening
    // the same new state dir may hold.
    sqlite = new SqliteDatabase(path.join(stateDir, 'state.db'), { timeout: BUSY_TIMEOUT_MS });
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
  } catch (cause) {
    throw new MeridianError('STATE_DIR', `cannot open ${path.join(stateDir, 'state.db')}: ${(cause as Error).message}`, { cause });
  }
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  try {
    if (pendingMigrations(sqlite)) await migrateUnderLock(sqlite, db);
  } catch (error) {
    await db.destroy();
    throw new MeridianError('STATE_DIR', `cannot migrate ${stateDir}/state.db: ${(error as Error).message}`, { cause: error });
  }
  return db;
}

/**
 * Whether the migrator has work: a known migration not applied yet, or an applied one this
 * version does not know (the migrator refuses that database). Read without a lock: most opens
 * find neither.
 */
function pendingMigrations(sqlite: SqliteDatabase.Database): boolean {
  const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
  if (table === undefined) return true;
  const applied = (sqlite.prepare('select name from kysely_migration').all() as Array<{ name: string }>).map((row) => row.name);
  const known = Object.keys(migrations);
  return known.length !== applied.length || known.some((name) => !applied.includes(name));
}

/**
 * Runs the migrator inside one write transaction. Kysely takes no lock for SQLite, so two
 * commands opening a new state dir at once both found nothing applied and both created the
 * tables ("table already exists"). Holding the write lock, the migrator reads what is applied
 * only once the other process has committed, and a migration that fails leaves nothing behind.
 */
async function migrateUnderLock(sqlite: SqliteDatabase.Database, db: Kysely<Database>): Promise<void> {
  sqlite.exec('begin immediate');
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error as Error;
    sqlite.exec('commit');
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec('rollback');
    throw error;
  }
}
