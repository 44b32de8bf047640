/**
 * The local parameter store kept in PostgreSQL (MERIDIAN_DB) passes the same contract as in
 * SQLite, including concurrent puts of one name from several connections.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { LocalParameterStore } from '../../src/stores/parameters/local-parameter-store.js';
import { openPostgres } from '../../src/stores/state/postgres/open-postgres.js';
import type { Database } from '../../src/stores/state/schema.js';
import { describeParameterStore } from '../contract/parameter-store.contract.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';

const opened: Array<Kysely<Database>> = [];
afterAll(async () => {
  for (const db of opened.splice(0)) await db.destroy();
});

async function makeStore(): Promise<LocalParameterStore> {
  const db = await openPostgres(await freshDatabase());
  opened.push(db);
  return new LocalParameterStore(db, randomBytes(32));
}

if (hasPostgres) {
  describeParameterStore('local, in PostgreSQL', makeStore);
  describe('LocalParameterStore in PostgreSQL', () => {
    it('gives concurrent puts of one name distinct versions', async () => {
      const store = await makeStore();
      const versions = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.put({ name: '/race/value', value: String(i), type: 'String', overwrite: true })),
      );
      expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });
  });
} else {
  describe.skip('LocalParameterStore in PostgreSQL (needs a PostgreSQL server; .ci/run installs one)', () => undefined);
}
