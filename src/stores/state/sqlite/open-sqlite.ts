import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { MeridianError } from '../../../domain/errors.js';
import { migrations } from '../migrations/index.js';
import type { Database } from '../schema.js';
import { withStatementCache } from './statement-cache.js';

/**
 * Opens (creating if needed) `<stateDir>/state.db` and brings its schema up to date.
 * WAL and a busy timeout let a second process (`meridian approve`) write while `run` works.
 */
export async function openSqlite(stateDir: string): Promise<Kysely<Database>> {
  try {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.accessSync(stateDir, fs.constants.R_OK | fs.constants.W_OK);
  } catch (cause) {
    throw new MeridianError('STATE_DIR', `cannot use state dir ${stateDir}: ${(cause as Error).message}. Pass --state-dir with a folder you can write to.`, {
      cause,
    });
  }
  let sqlite: SqliteDatabase.Database;
  try {
    sqlite = new SqliteDatabase(path.join(stateDir, 'state.db'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('synchronous = NORMAL');
  } catch (cause) {
    throw new MeridianError('STATE_DIR', `cannot open ${path.join(stateDir, 'state.db')}: ${(cause as Error).message}`, { cause });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw new MeridianError('STATE_DIR', `cannot migrate ${stateDir}/state.db: ${(error as Error).message}`, { cause: error });
  }
  return db;
}
