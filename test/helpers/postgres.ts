/**
 * A fresh PostgreSQL database per caller in the test cluster (see postgres-cluster.ts).
 * Where the machine has no PostgreSQL, `postgresUrl` is '' and the tests that need it are
 * skipped with that reason; CI installs it, so there they always run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export const POSTGRES_URL = inject('postgresUrl');
export const hasPostgres = POSTGRES_URL !== '';

/** Creates an empty database and returns its URL. */
export async function freshDatabase(prefix = 'meridian'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  return POSTGRES_URL.replace(/\/[^/]*$/, `/${name}`);
}
