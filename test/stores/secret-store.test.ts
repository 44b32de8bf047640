import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SecretReader } from '../../src/domain/jobs/host-services.js';
import { LocalSecretStore } from '../../src/stores/secrets/local-secret-store.js';
import { filesContaining, freshState } from './state-db.js';
import { failure } from '../helpers/failure.js';

async function makeStore(): Promise<{ store: LocalSecretStore; stateDir: string }> {
  const { db, stateDir } = await freshState();
  return { store: new LocalSecretStore(db, randomBytes(32)), stateDir };
}

describe('LocalSecretStore', () => {
  it('labels each new version AWSCURRENT and moves the previous one to AWSPREVIOUS', async () => {
    const { store } = await makeStore();
    const v1 = await store.put({ secretId: 'prod/db', value: 'one' });
    expect(v1.stages).toEqual(['AWSCURRENT']);
    expect(v1.versionId).toMatch(/^[0-9a-f-]{36}$/);
    const v2 = await store.put({ secretId: 'prod/db', value: 'two' });
    const v3 = await store.put({ secretId: 'prod/db', value: 'three' });

    expect(await store.get('prod/db')).toBe('three');
    expect(await store.get('prod/db::AWSCURRENT')).toBe('three');
    expect(await store.get('prod/db::AWSPREVIOUS')).toBe('two');
    expect(await store.get(`prod/db:::${v1.versionId}`)).toBe('one');
    expect(await store.describe(`prod/db:::${v1.versionId}`)).toMatchObject({ versionId: v1.versionId, stages: [] });
    expect(await store.describe(`prod/db::AWSPREVIOUS:${v2.versionId}`)).toMatchObject({ value: 'two', stages: ['AWSPREVIOUS'] });
    expect((await failure(store.get(`prod/db::AWSCURRENT:${v2.versionId}`))).code).toBe('NOT_FOUND');
    expect(await store.list()).toEqual([
      {
        secretId: 'prod/db',
        lastChangedDate: expect.any(String) as string,
        versionsToStages: { [v2.versionId]: ['AWSPREVIOUS'], [v3.versionId]: ['AWSCURRENT'] },
      },
    ]);
  });

  it('reads a top-level key of a JSON secret, from any stage', async () => {
    const { store } = await makeStore();
    await store.put({ secretId: 'db-credentials', value: JSON.stringify({ username: 'admin', password: 'old', port: 5432 }) });
    await store.put({ secretId: 'db-credentials', value: JSON.stringify({ username: 'admin', password: 'new', nested: { a: 1 } }) });
    expect(await store.get('db-credentials:password')).toBe('new');
    expect(await store.get('db-credentials:password:AWSPREVIOUS')).toBe('old');
    expect(await store.get('db-credentials:port:AWSPREVIOUS')).toBe('5432');
    expect(await store.get('db-credentials:nested')).toBe('{"a":1}');
    const missing = await failure(store.get('db-credentials:token'));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('username, password, nested');
    expect(missing.message).not.toContain('new');

    await store.put({ secretId: 'plain', value: 'not json' });
    const notJson = await failure(store.get('plain:password'));
    expect(notJson.code).toBe('BAD_INPUT');
    expect(notJson.message).toContain('not a JSON object');
  });

  it('moves a custom label without touching AWSCURRENT', async () => {
    const { store } = await makeStore();
    await store.put({ secretId: 'api-key', value: 'live' });
    const pending = await store.put({ secretId: 'api-key', value: 'next', stage: 'AWSPENDING' });
    expect(pending.stages).toEqual(['AWSPENDING']);
    expect(await store.get('api-key')).toBe('live');
    expect(await store.get('api-key::AWSPENDING')).toBe('next');
    await store.put({ secretId: 'api-key', value: 'later', stage: 'AWSPENDING' });
    expect(await store.get('api-key::AWSPENDING')).toBe('later');
    // The first version of a secret is current whatever label it was given.
    expect((await store.put({ secretId: 'fresh', value: 'x', stage: 'AWSPENDING' })).stages).toEqual(['AWSPENDING', 'AWSCURRENT']);
  });

  it('checks references and ids', async () => {
    const { store } = await makeStore();
    await store.put({ secretId: 'a', value: 'x' });
    expect((await failure(store.get('a:b:c:d:e'))).code).toBe('BAD_INPUT');
    expect((await failure(store.get(':key'))).code).toBe('BAD_INPUT');
    expect((await failure(store.get('a::NOPE'))).code).toBe('NOT_FOUND');
    expect((await failure(store.get('a:::no-such-version'))).code).toBe('NOT_FOUND');
    expect((await failure(store.put({ secretId: 'has space', value: 'x' }))).code).toBe('BAD_INPUT');
    const missing = await failure(store.get('nope'));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('meridian secrets put nope');
  });

  it('is a SecretReader', async () => {
    const { store } = await makeStore();
    await store.put({ secretId: 'token', value: '{"t":"abc"}' });
    const reader: SecretReader = store;
    expect(await reader.get('token:t')).toBe('abc');
  });

  it('deletes every version', async () => {
    const { store } = await makeStore();
    await store.put({ secretId: 'temp', value: 'a' });
    await store.put({ secretId: 'temp', value: 'b' });
    await store.delete('temp');
    expect((await failure(store.get('temp'))).code).toBe('NOT_FOUND');
    expect((await failure(store.delete('temp'))).code).toBe('NOT_FOUND');
    expect(await store.list()).toEqual([]);
  });

  it('keeps secret values out of the database files in plaintext', async () => {
    const { store, stateDir } = await makeStore();
    const value = `s3cr3t-${randomBytes(8).toString('hex')}`;
    await store.put({ secretId: 'findme', value: JSON.stringify({ password: value }) });
    await store.put({ secretId: 'findme', value });
    expect(filesContaining(stateDir, 'findme').length).toBeGreaterThan(0);
    expect(filesContaining(stateDir, value)).toEqual([]);
  });
});
