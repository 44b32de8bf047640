import type { Kysely } from 'kysely';
import { loadMasterKey, type MasterKey } from '../stores/secrets/crypto.js';
import type { Database } from '../stores/state/schema.js';
import { openStateDb } from '../stores/state/open-state-db.js';
import { dbUrlFromEnv, masterKeyFromEnv } from './environment.js';
import type { CliIO } from './io.js';

/**
 * Opens the state database for a command that only reads or writes stores (params, secrets,
 * exports) — SQLite in the state dir, or `MERIDIAN_DB` — and closes it however `fn` ends. Lighter than openMeridian: no engine, no agent.
 */
export async function withStateDb<T>(stateDir: string, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const db = await openStateDb(stateDir, dbUrlFromEnv());
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
