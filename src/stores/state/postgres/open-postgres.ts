/**
 * Opens the PostgreSQL state store (`--db postgres://…` or `MERIDIAN_DB`): a connection pool
 * through Kysely, the same migrations as SQLite. A database whose schema has migrations this
 * version does not know (a newer Meridian migrated it) is refused rather than used.
 */
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { loadPg } from './load-pg.js';
import { MeridianError } from '../../../domain/errors.js';
import { migrations } from '../migrations/index.js';
import type { Database } from '../schema.js';

export interface PostgresOptions {
  /** Apply pending migrations (default). Without it, pending ones are an error. */
  migrate?: boolean;
  /** Connect only: `meridian migrate` looks at the schema itself. */
  skipSchemaCheck?: boolean;
  poolSize?: number;
  /** How long a session may sit idle inside a transaction before PostgreSQL ends it (default IDLE_IN_TRANSACTION_MS). */
  idleInTransactionMs?: number;
}

/**
 * A session idle inside a transaction this long is ended by PostgreSQL, which releases its
 * locks: a replica stopped in the middle of a transaction (its process frozen, its machine
 * paused) would otherwise hold that execution's row lock, and every writer of the execution
 * would wait, until it woke or died. Meridian's transactions never wait on anything outside
 * the database, so only a stalled process comes near it.
 */
export const IDLE_IN_TRANSACTION_MS = 30_000;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** `postgres://user:secret@host/db` without the password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]+):[^@/]*@/, '$1:***@');
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Kysely<Database>> {
  const pg = await loadPg();
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    idle_in_transaction_session_timeout: options.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS,
  });
  // A session PostgreSQL ends (that timeout, an administrator, a replica deposing a stalled
  // leader) errors on its client: in use, the query or transaction under way fails with it;
  // idle, the pool drops it. Neither may crash the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (cause) {
    await db.destroy();
    throw new MeridianError(
      'STATE_DIR',
      `cannot connect to ${redactUrl(url)}: ${(cause as Error).message}; check the URL, that PostgreSQL runs there, and the user's rights`,
      { cause },
    );
  }
  if (options.skipSchemaCheck) return db;
  try {
    await checkSchema(db, url, options.migrate ?? true);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

async function checkSchema(db: Kysely<Database>, url: string, migrate: boolean): Promise<void> {
  const known = new Set(Object.keys(migrations));
  const applied = await appliedMigrations(db);
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new MeridianError(
      'STATE_DIR',
      `${redactUrl(url)} has a newer schema (migrations ${unknown.join(', ')}) than this Meridian knows; upgrade Meridian before pointing it at this database`,
    );
  }
  const pending = [...known].filter((name) => !applied.includes(name));
  if (pending.length === 0) return;
  if (!migrate) throw new MeridianError('STATE_DIR', `${redactUrl(url)} needs migrations ${pending.join(', ')}; run \`meridian migrate --db URL\``);
  await migrateToLatest(db, url);
}

export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const exists = await sql<{ exists: boolean }>`select to_regclass('public.kysely_migration') is not null as exists`.execute(db);
  if (!exists.rows[0]?.exists) return [];
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((row) => row.name);
}

/** Applies every pending migration; Kysely's lock keeps two servers from doing it at once. */
export async function migrateToLatest(db: Kysely<Database>, url: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new MeridianError('STATE_DIR', `cannot migrate ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
