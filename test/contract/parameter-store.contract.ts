/**
 * The conformance suite every ParameterStore runs (local, SSM): SSM Parameter Store's
 * behaviour as callers see it. `make` gives a fresh, empty store per call.
 */
import { describe, expect, it } from 'vitest';
import type { ParameterReader } from '../../src/domain/jobs/host-services.js';
import type { ParameterStore, PutParameterInput } from '../../src/stores/parameters/parameter-store.js';
import { failure } from '../helpers/failure.js';

export function describeParameterStore(name: string, make: () => Promise<ParameterStore>): void {
  describe(`ParameterStore contract: ${name}`, () => {
    it('versions a parameter like SSM: version 1, CONFLICT without overwrite, then 2', async () => {
      const store = await make();
      expect(await store.put({ name: '/Environment/EU/SourceCodeStorage', value: 'eu-bucket' })).toEqual({ version: 1 });
      const conflict = await failure(store.put({ name: '/Environment/EU/SourceCodeStorage', value: 'other' }));
      expect(conflict.code).toBe('CONFLICT');
      expect(conflict.message).toBe('parameter /Environment/EU/SourceCodeStorage already exists; pass --overwrite to replace it');
      expect(await store.put({ name: '/Environment/EU/SourceCodeStorage', value: 'eu-bucket-2', overwrite: true })).toEqual({ version: 2 });

      const latest = await store.get('/Environment/EU/SourceCodeStorage');
      expect(latest).toMatchObject({ name: '/Environment/EU/SourceCodeStorage', type: 'String', value: 'eu-bucket-2', version: 2 });
      expect(latest.lastModifiedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect((await store.get('/Environment/EU/SourceCodeStorage:1')).value).toBe('eu-bucket');
      expect((await store.get('/Environment/EU/SourceCodeStorage', { version: 1 })).value).toBe('eu-bucket');
      const noVersion = await failure(store.get('/Environment/EU/SourceCodeStorage:7'));
      expect(noVersion.code).toBe('NOT_FOUND');
      expect(noVersion.message).toBe(
        'parameter /Environment/EU/SourceCodeStorage has no version 7; see its versions with `meridian params history /Environment/EU/SourceCodeStorage`',
      );
      const missing = await failure(store.get('/Environment/EU/Missing'));
      expect(missing.code).toBe('NOT_FOUND');
      expect(missing.message).toBe('parameter /Environment/EU/Missing not found; create it with `meridian params put /Environment/EU/Missing VALUE`');
      expect((await failure(store.get('/Environment/EU/SourceCodeStorage:two'))).code).toBe('BAD_INPUT');
    });

    it('keeps the history oldest first, with the description carried over', async () => {
      const store = await make();
      await store.put({ name: 'plain', value: 'a', description: 'what it is' });
      await store.put({ name: 'plain', value: 'b,c', type: 'StringList', overwrite: true });
      await store.put({ name: 'plain', value: 'd', description: 'new words', overwrite: true });
      const history = await store.history('plain');
      expect(history.map((p) => [p.version, p.type, p.value, p.description])).toEqual([
        [1, 'String', 'a', 'what it is'],
        [2, 'StringList', 'b,c', 'what it is'],
        [3, 'String', 'd', 'new words'],
      ]);
      expect((await failure(store.history('/never'))).code).toBe('NOT_FOUND');
    });

    it('keeps the latest 100 versions, as SSM does', async () => {
      const store = await make();
      for (let i = 1; i <= 102; i += 1) await store.put({ name: '/many', value: `v${i}`, overwrite: true });
      const history = await store.history('/many');
      expect(history).toHaveLength(100);
      expect(history[0]?.version).toBe(3);
      expect((await store.get('/many')).version).toBe(102);
      expect(await store.put({ name: '/many', value: 'again', overwrite: true })).toEqual({ version: 103 });
    });

    it('returns a SecureString only when asked to decrypt, and other types always', async () => {
      const store = await make();
      await store.put({ name: '/db/password', value: 'hunter2', type: 'SecureString' });
      const sealed = await store.get('/db/password', { withDecryption: false });
      expect(sealed.type).toBe('SecureString');
      expect(sealed.value).not.toContain('hunter2');
      expect((await store.get('/db/password', { withDecryption: true })).value).toBe('hunter2');
      expect((await store.history('/db/password', { withDecryption: false }))[0]?.value).not.toContain('hunter2');
      expect((await store.history('/db/password'))[0]?.value).toBe('hunter2');
      await store.put({ name: '/db/host', value: 'db.local' });
      expect((await store.get('/db/host', { withDecryption: false })).value).toBe('db.local');
    });

    it('is a ParameterReader that always decrypts', async () => {
      const store = await make();
      await store.put({ name: '/x/token', value: 't0ken', type: 'SecureString' });
      const reader: ParameterReader = store;
      expect(await reader.get('/x/token')).toMatchObject({ name: '/x/token', type: 'SecureString', value: 't0ken', version: 1 });
      expect((await failure(reader.get('/x/missing'))).code).toBe('NOT_FOUND');
    });

    it("checks names, types and values by SSM's rules", async () => {
      const store = await make();
      const bad = async (input: PutParameterInput): Promise<string> => (await failure(store.put(input))).code;
      expect(await bad({ name: 'a/b', value: 'x' })).toBe('BAD_INPUT');
      expect(await bad({ name: '/a//b', value: 'x' })).toBe('BAD_INPUT');
      expect(await bad({ name: '/a b', value: 'x' })).toBe('BAD_INPUT');
      expect(await bad({ name: 'awsThing', value: 'x' })).toBe('BAD_INPUT');
      expect(await bad({ name: '/SSM/thing', value: 'x' })).toBe('BAD_INPUT');
      expect(await bad({ name: `/${'a/'.repeat(15)}leaf`, value: 'x' })).toBe('BAD_INPUT');
      expect(await bad({ name: 'x'.repeat(2049), value: 'x' })).toBe('BAD_INPUT');
      expect(await bad({ name: '/ok', value: '' })).toBe('BAD_INPUT');
      expect(await bad({ name: '/ok', value: 'x'.repeat(4097) })).toBe('BAD_INPUT');
      expect(await bad({ name: '/ok', value: 'a,,b', type: 'StringList' })).toBe('BAD_INPUT');
      expect(await bad({ name: '/ok', value: 'a', type: 'Number' as 'String' })).toBe('BAD_INPUT');
      expect(await store.put({ name: `/${'a/'.repeat(14)}leaf`, value: 'fifteen levels' })).toEqual({ version: 1 });
      expect(await store.put({ name: 'Plain.Name_with-chars', value: 'x' })).toEqual({ version: 1 });
      expect(await store.put({ name: '/list', value: 'a,b,c', type: 'StringList' })).toEqual({ version: 1 });
    });

    it('lists the latest version of each parameter, by path, without values', async () => {
      const store = await make();
      await store.put({ name: '/Environment/EU/Bucket', value: 'eu' });
      await store.put({ name: '/Environment/EU/Bucket', value: 'eu2', overwrite: true });
      await store.put({ name: '/Environment/EU/Deep/Key', value: 'deep' });
      await store.put({ name: '/Environment/US/Bucket', value: 'us' });
      await store.put({ name: '/Environment_EU', value: 'not under the path' });
      await store.put({ name: 'top', value: 't' });

      const all = await store.list();
      expect(all.map((p) => p.name)).toEqual(['/Environment/EU/Bucket', '/Environment/EU/Deep/Key', '/Environment/US/Bucket', '/Environment_EU', 'top']);
      expect(all[0]).toEqual({ name: '/Environment/EU/Bucket', type: 'String', version: 2, lastModifiedDate: expect.any(String) as string });
      expect(all.some((p) => 'value' in p)).toBe(false);
      expect((await store.list({ path: '/Environment/EU' })).map((p) => p.name)).toEqual(['/Environment/EU/Bucket']);
      expect((await store.list({ path: '/Environment/EU/', recursive: true })).map((p) => p.name)).toEqual([
        '/Environment/EU/Bucket',
        '/Environment/EU/Deep/Key',
      ]);
      expect((await store.list({ path: '/Environment', recursive: true })).map((p) => p.name)).toHaveLength(3);
      expect((await store.list({ path: '/' })).map((p) => p.name)).toEqual(['/Environment_EU']);
      expect((await failure(store.list({ path: 'Environment' }))).code).toBe('BAD_INPUT');
    });

    it('lists more parameters than one page holds', async () => {
      const store = await make();
      const names = Array.from({ length: 57 }, (_, i) => `/paged/p${String(i).padStart(2, '0')}`);
      for (const paramName of names) await store.put({ name: paramName, value: 'v' });
      expect((await store.list({ path: '/paged' })).map((p) => p.name)).toEqual(names);
    });

    it('deletes every version, and says when there is nothing to delete', async () => {
      const store = await make();
      await store.put({ name: '/gone', value: 'a' });
      await store.put({ name: '/gone', value: 'b', overwrite: true });
      await store.delete('/gone');
      expect((await failure(store.get('/gone'))).code).toBe('NOT_FOUND');
      const error = await failure(store.delete('/gone'));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain('/gone');
      expect(await store.put({ name: '/gone', value: 'c' })).toEqual({ version: 1 });
    });
  });
}
