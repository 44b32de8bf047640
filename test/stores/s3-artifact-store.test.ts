import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../src/stores/artifacts/artifact-store.js';
import { FolderArtifactStore } from '../../src/stores/artifacts/folder-artifact-store.js';
import { makeArtifactStoreFor } from '../../src/stores/artifacts/make-store.js';
import { S3ArtifactStore } from '../../src/stores/artifacts/s3-artifact-store.js';
import { describeArtifactStore } from '../contract/artifact-store.contract.js';
import { startS3Server, TEST_CREDENTIALS, type S3Server } from '../helpers/aws/s3-server.js';
import { tempDir } from '../helpers/temp.js';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3.close();
});

/** Each store gets its own prefix, so every store starts empty in the one bucket. */
function s3Store(region: string, prefix = `t-${randomBytes(6).toString('hex')}`): S3ArtifactStore {
  return new S3ArtifactStore({
    region,
    location: `s3://${s3.bucket}/${prefix}/${region}`,
    cacheDir: path.join(tempDir('meridian-s3cache-'), region),
    endpoint: s3.endpoint,
    credentials: TEST_CREDENTIALS,
  });
}

function asS3(store: ArtifactStore): S3ArtifactStore {
  if (!(store instanceof S3ArtifactStore)) throw new Error('expected an S3ArtifactStore');
  return store;
}

describeArtifactStore('s3 (s3rver)', {
  makeStore: (region) => Promise.resolve(s3Store(region)),
  // Overwrites the object through S3, as a person with bucket access would.
  corrupt: async (store, digest) => {
    const s3Store = asS3(store);
    await (await s3Store.client()).send(new PutObjectCommand({ Bucket: s3Store.bucket, Key: s3Store.key(digest), Body: 'torn bytes' }));
  },
});

function puts(): number {
  return s3.requests.get('PUT') ?? 0;
}

function file(bytes: Buffer): { path: string; digest: string } {
  const zip = path.join(tempDir(), 'a.zip');
  fs.writeFileSync(zip, bytes);
  return { path: zip, digest: createHash('sha256').update(bytes).digest('hex') };
}

describe('S3ArtifactStore', () => {
  it('keeps blobs at <prefix>/sha256/ab/<digest>.zip with the digest as metadata', async () => {
    const store = s3Store('eu-west-1', 'keys');
    const { path: zip, digest } = file(randomBytes(1000));
    await store.putFile(zip);
    expect(store.key(digest)).toBe(`keys/eu-west-1/sha256/${digest.slice(0, 2)}/${digest}.zip`);
    expect(store.root).toBe(`s3://${s3.bucket}/keys/eu-west-1`);
    const head = await (await store.client()).send(new HeadObjectCommand({ Bucket: store.bucket, Key: store.key(digest) }));
    expect(head.Metadata).toMatchObject({ sha256: digest });
  });

  it('uploads a 20 MB artifact in 8 MB parts and reads it back verified', async () => {
    const store = s3Store('eu-west-1');
    const { path: zip, digest } = file(randomBytes(20 * 1024 * 1024 + 123));
    const before = puts();
    expect(await store.putFile(zip)).toEqual({ digest, size: 20 * 1024 * 1024 + 123 });
    expect(puts() - before).toBe(3); // three UploadPart requests, no single PutObject
    const copy = await store.getVerified(digest);
    expect(fs.statSync(copy).size).toBe(20 * 1024 * 1024 + 123);
  });

  it('does not upload content it already holds, from a file or from another store', async () => {
    const store = s3Store('eu-west-1');
    const { path: zip, digest } = file(randomBytes(5000));
    await store.putFile(zip);
    const before = puts();
    await store.putFile(zip);
    const folder = new FolderArtifactStore('eu-west-1', tempDir());
    await folder.putFile(zip);
    expect(await store.copyFrom(folder, digest)).toEqual({ copied: false, bytes: 0 });
    expect(puts()).toBe(before);
  });

  it('copies folder -> S3 -> S3 -> folder, server-side between verified S3 objects', async () => {
    const folder = new FolderArtifactStore('eu-west-1', tempDir());
    const { path: zip, digest } = file(randomBytes(7000));
    await folder.putFile(zip);
    const eu = s3Store('eu-west-1');
    const us = s3Store('us-east-1');
    expect(await eu.copyFrom(folder, digest)).toEqual({ copied: true, bytes: 7000 });
    const gets = s3.requests.get('GET') ?? 0;
    expect(await us.copyFrom(eu, digest)).toEqual({ copied: true, bytes: 7000 });
    expect(s3.requests.get('GET') ?? 0).toBe(gets); // CopyObject: the bytes never left S3
    const back = new FolderArtifactStore('ap-southeast-2', tempDir());
    expect(await back.copyFrom(us, digest)).toEqual({ copied: true, bytes: 7000 });
    expect(fs.readFileSync(await back.getVerified(digest)).equals(fs.readFileSync(zip))).toBe(true);
  });

  it('reuses its verified download while the object is unchanged', async () => {
    const store = s3Store('eu-west-1');
    const { path: zip, digest } = file(randomBytes(3000));
    await store.putFile(zip);
    const first = await store.getVerified(digest);
    const gets = s3.requests.get('GET') ?? 0;
    expect(await store.getVerified(digest)).toBe(first);
    expect(s3.requests.get('GET') ?? 0).toBe(gets);
    expect(await store.openRaw(digest)).toEqual({ kind: 'file', path: first, verified: true });
  });

  it('moves a corrupt object aside so the next copy restores it', async () => {
    const folder = new FolderArtifactStore('eu-west-1', tempDir());
    const { path: zip, digest } = file(randomBytes(3000));
    await folder.putFile(zip);
    const store = s3Store('us-east-1');
    await store.copyFrom(folder, digest);
    await (await store.client()).send(new PutObjectCommand({ Bucket: store.bucket, Key: store.key(digest), Body: 'torn' }));
    await expect(store.getVerified(digest)).rejects.toThrow(/corrupt.*moved to s3:\/\//);
    expect(await store.has(digest)).toBe(false);
    expect(await store.copyFrom(folder, digest)).toEqual({ copied: true, bytes: 3000 });
  });

  it('is chosen by makeArtifactStoreFor for s3:// locations, with the cache under the state dir', () => {
    const stateDir = tempDir();
    const store = makeArtifactStoreFor(`s3://${s3.bucket}/p`, 'eu-west-1', { stateDir, s3Endpoint: s3.endpoint, credentials: TEST_CREDENTIALS });
    expect(store).toBeInstanceOf(S3ArtifactStore);
    expect(store.root).toBe(`s3://${s3.bucket}/p`);
    expect(makeArtifactStoreFor(path.join(stateDir, 'folder'), 'eu-west-1', { stateDir })).toBeInstanceOf(FolderArtifactStore);
    expect(() => makeArtifactStoreFor('s3://Bad_Bucket', 'eu-west-1', { stateDir })).toThrow(/not an S3 artifact store/);
  });
});
