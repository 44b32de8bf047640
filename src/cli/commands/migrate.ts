import type { Command } from 'commander';
import { MeridianError } from '../../domain/errors.js';
import { migrations } from '../../stores/state/migrations/index.js';
import { appliedMigrations, isPostgresUrl, migrateToLatest, openPostgres, redactUrl } from '../../stores/state/postgres/open-postgres.js';
import { openSqlite } from '../../stores/state/sqlite/open-sqlite.js';
import { dbUrlFromEnv } from '../environment.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

export const registerMigrate: RegisterCommand = (program: Command, io) => {
  program
    .command('migrate')
    .description('bring the state database schema up to date (PostgreSQL: run it once before starting servers of a new version)')
    .option('--db <url>', 'postgres://… (also MERIDIAN_DB); default SQLite in the state dir')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option('--status', 'only say which migrations are applied and which are pending')
    .action(async (options: { db?: string; stateDir?: string; status?: boolean }) => {
      const url = options.db ?? dbUrlFromEnv();
      const known = Object.keys(migrations);
      if (url === undefined || !isPostgresUrl(url)) {
        // SQLite migrates itself when opened: one process owns the file.
        const db = await openSqlite(resolveStateDir(options.stateDir));
        await db.destroy();
        io.out(`SQLite state in ${resolveStateDir(options.stateDir)} is up to date (${known.length} migrations).\n`);
        return;
      }
      const db = await openPostgres(url, { skipSchemaCheck: true });
      try {
        const applied = await appliedMigrations(db);
        const unknown = applied.filter((name) => !known.includes(name));
        if (unknown.length > 0)
          throw new MeridianError(
            'STATE_DIR',
            `${redactUrl(url)} has a newer schema (migrations ${unknown.join(', ')}) than this Meridian knows; upgrade Meridian`,
          );
        const pending = known.filter((name) => !applied.includes(name));
        if (options.status) {
          io.out(`${redactUrl(url)}: ${applied.length} applied${pending.length > 0 ? `, pending: ${pending.join(', ')}` : ', none pending'}\n`);
          return;
        }
        const done = await migrateToLatest(db, url);
        io.out(done.length > 0 ? `Applied ${done.join(', ')} to ${redactUrl(url)}.\n` : `${redactUrl(url)} is up to date (${known.length} migrations).\n`);
      } finally {
        await db.destroy();
      }
    });
};
