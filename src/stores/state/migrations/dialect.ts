import { PostgresAdapter, type Kysely } from 'kysely';

/** Migrations are shared by both stores; the few types that differ ask which one runs them. */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
