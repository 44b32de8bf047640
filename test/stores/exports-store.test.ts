import { describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import { ExportsStore } from '../../src/stores/exports/exports-store.js';
import { freshState } from './state-db.js';

describe('ExportsStore', () => {
  it('sets, replaces, lists and deletes exports', async () => {
    const { db } = await freshState();
    const store = new ExportsStore(db);
    await store.set('service-x-BucketName', 'bucket-eu');
    await store.set('Alpha:Vpc', 'vpc-1');
    await store.set('service-x-BucketName', 'bucket-eu-2');
    expect(await store.get('service-x-BucketName')).toBe('bucket-eu-2');
    expect(await store.list()).toEqual([
      { name: 'Alpha:Vpc', value: 'vpc-1' },
      { name: 'service-x-BucketName', value: 'bucket-eu-2' },
    ]);
    expect(await store.all()).toEqual({ 'Alpha:Vpc': 'vpc-1', 'service-x-BucketName': 'bucket-eu-2' });
    await store.delete('Alpha:Vpc');
    await expect(store.get('Alpha:Vpc')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.delete('Alpha:Vpc')).rejects.toBeInstanceOf(MeridianError);
    await expect(store.set('has space', 'x')).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
