/**
 * The state store a command uses: PostgreSQL when a `postgres://` URL is given (`--db` or
 * `MERIDIAN_DB`), else SQLite in the state dir. Both run the same migrations and queries.
 */
import type { Kysely } from 'kysely';
import { MeridianError } from '../../domain/errors.js';
import { isPostgresUrl, openPostgres, redactUrl } from './postgres/open-postgres.js';
import type { Database } from './schema.js';
import { openSqlite } from './sqlite/open-sqlite.js';

export async function openStateDb(stateDir: string, dbUrl: string | undefined): Promise<Kysely<Database>> {
  if (dbUrl === undefined || dbUrl === '' || dbUrl.startsWith('sqlite:')) return openSqlite(stateDir);
  if (!isPostgresUrl(dbUrl))
    throw new MeridianError('BAD_INPUT', `--db ${redactUrl(dbUrl)}: write postgres://user@host:5432/database, or leave it out for SQLite in the state dir`);
  return openPostgres(dbUrl);
}
