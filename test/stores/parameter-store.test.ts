import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import { LocalParameterStore } from '../../src/stores/parameters/local-parameter-store.js';
import { openSqlite } from '../../src/stores/state/sqlite/open-sqlite.js';
import { describeParameterStore } from '../contract/parameter-store.contract.js';
import { filesContaining, freshState } from './state-db.js';
import { failure } from '../helpers/failure.js';

async function makeStore(): Promise<{ store: LocalParameterStore; stateDir: string; key: Buffer }> {
  const { db, stateDir } = await freshState();
  const key = randomBytes(32);
  return { store: new LocalParameterStore(db, key), stateDir, key };
}

describeParameterStore('local', async () => (await makeStore()).store);

// What only the local store does: its own sealing, at rest in state.db, and SQL concurrency.
describe('LocalParameterStore', () => {
  it('returns the sealed text of a SecureString unless asked to decrypt', async () => {
    const { store } = await makeStore();
    await store.put({ name: '/db/password', value: 'hunter2', type: 'SecureString' });
    const sealed = await store.get('/db/password', { withDecryption: false });
    expect(sealed.value).toMatch(/^v1:/);
    expect(sealed.value).not.toContain('hunter2');
    expect((await store.get('/db/password', { withDecryption: true })).value).toBe('hunter2');
    expect((await store.history('/db/password', { withDecryption: false }))[0]?.value).toMatch(/^v1:/);
    // Only SecureStrings stay sealed; other types are not secret.
    await store.put({ name: '/db/host', value: 'db.local' });
    expect((await store.get('/db/host', { withDecryption: false })).value).toBe('db.local');
  });

  it('keeps every value out of the database files in plaintext, WAL included', async () => {
    const { store, stateDir } = await makeStore();
    const secret = `plaintext-${randomBytes(8).toString('hex')}`;
    const plain = `string-${randomBytes(8).toString('hex')}`;
    await store.put({ name: '/secure/one', value: secret, type: 'SecureString' });
    await store.put({ name: '/secure/one', value: `${secret}-2`, type: 'SecureString', overwrite: true });
    await store.put({ name: '/plain/one', value: plain });
    expect(filesContaining(stateDir, 'state.db').length).toBe(0);
    expect(filesContaining(stateDir, '/secure/one').length).toBeGreaterThan(0); // the search works
    expect(filesContaining(stateDir, secret)).toEqual([]);
    expect(filesContaining(stateDir, plain)).toEqual([]);
  });

  it('cannot be read with another master key', async () => {
    const { db } = await freshState();
    await new LocalParameterStore(db, randomBytes(32)).put({ name: '/k', value: 'v', type: 'SecureString' });
    const error = await failure(new LocalParameterStore(db, randomBytes(32)).get('/k'));
    expect(error.code).toBe('STATE_DIR');
    expect(error.message).toContain('MERIDIAN_MASTER_KEY');
  });

  it('gives every concurrent overwrite its own version, across two connections', async () => {
    const { db, stateDir } = await freshState();
    const other = await openSqlite(stateDir);
    try {
      const key = randomBytes(32);
      const stores = [new LocalParameterStore(db, key), new LocalParameterStore(other, key)];
      const puts = Array.from({ length: 20 }, (_, i) => stores[i % 2]!.put({ name: '/race', value: `v${i}`, overwrite: true }));
      const versions = (await Promise.all(puts)).map((r) => r.version).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

      const creates = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.put({ name: '/first', value: `v${i}` })));
      expect(creates.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([{ version: 1 }]);
      for (const r of creates) if (r.status === 'rejected') expect((r.reason as MeridianError).code).toBe('CONFLICT');
    } finally {
      await other.destroy();
    }
  });
});
