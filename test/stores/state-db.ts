import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll } from 'vitest';
import type { Database } from '../../src/stores/state/schema.js';
import { openSqlite } from '../../src/stores/state/sqlite/open-sqlite.js';
import { tempDir } from '../helpers/temp.js';

const open: Kysely<Database>[] = [];
afterAll(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

/** A real state.db in a fresh temp folder, closed when the test file ends. */
export async function freshState(): Promise<{ stateDir: string; db: Kysely<Database> }> {
  const stateDir = tempDir('meridian-state-');
  const db = await openSqlite(stateDir);
  open.push(db);
  return { stateDir, db };
}

/** Every file in the state dir that contains `needle` (state.db, -wal, -shm...). */
export function filesContaining(stateDir: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  return fs
    .readdirSync(stateDir)
    .map((name) => path.join(stateDir, name))
    .filter((file) => fs.statSync(file).isFile() && fs.readFileSync(file).includes(bytes));
}
