import type { Kysely } from 'kysely';
import { loadMasterKey, type MasterKey } from '../stores/secrets/crypto.js';
import type { Database } from '../stores/state/schema.js';
import { openSqlite } from '../stores/state/sqlite/open-sqlite.js';
import { masterKeyFromEnv } from './environment.js';
import type { CliIO } from './io.js';

/**
 * Opens the state database for a command that only reads or writes stores (params, secrets,
 * exports) and closes it however `fn` ends. Lighter than openLocalMeridian: no engine, no agent.
 */
export async function withStateDb<T>(stateDir: string, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const db = await openSqlite(stateDir);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

export function masterKeyFor(stateDir: string): MasterKey {
  return loadMasterKey({ stateDir, envValue: masterKeyFromEnv() });
}

/** JSON the way the AWS CLI prints it (4-space indent), one document per command. */
export function printJson(io: CliIO, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 4)}\n`);
}
