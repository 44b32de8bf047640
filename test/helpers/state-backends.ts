/**
 * The two state stores every store-level suite runs against: SQLite in a temp folder and
 * PostgreSQL (a fresh database in the test cluster; skipped, with that reason, where the
 * machine has no PostgreSQL — CI always has it).
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import { openPostgres } from '../../src/stores/state/postgres/open-postgres.js';
import type { Database } from '../../src/stores/state/schema.js';
import { openSqlite } from '../../src/stores/state/sqlite/open-sqlite.js';
import { freshDatabase, hasPostgres } from './postgres.js';
import { tempDir } from './temp.js';

export interface Backend {
  name: 'SQLite' | 'PostgreSQL';
  available: boolean;
  open(): Promise<{ db: Kysely<Database>; url?: string }>;
}

export const BACKENDS: Backend[] = [
  { name: 'SQLite', available: true, open: async () => ({ db: await openSqlite(path.join(tempDir(), 'state')) }) },
  {
    name: 'PostgreSQL',
    available: hasPostgres,
    open: async () => {
      const url = await freshDatabase();
      return { db: await openPostgres(url, { poolSize: 8 }), url };
    },
  },
];
