import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderArtifactStore, makeArtifactStore } from '../../src/stores/artifacts/folder-artifact-store.js';
import { describeArtifactStore } from '../contract/artifact-store.contract.js';
import { tempDir } from '../helpers/temp.js';

function folderStore(store: unknown): FolderArtifactStore {
  if (!(store instanceof FolderArtifactStore)) throw new Error('expected a FolderArtifactStore');
  return store;
}

describeArtifactStore('folder', {
  makeStore: (region) => Promise.resolve(makeArtifactStore(region, path.join(tempDir('meridian-store-'), region))),
  corrupt: (store, digest) => {
    const file = folderStore(store).blobPath(digest);
    fs.chmodSync(file, 0o644);
    const bytes = fs.readFileSync(file);
    bytes[10] = (bytes[10] ?? 0) ^ 0xff;
    fs.writeFileSync(file, bytes);
    return Promise.resolve();
  },
});

describe('FolderArtifactStore', () => {
  const bytes = Buffer.from('zip bytes for the folder store '.repeat(1000));
  const digest = createHash('sha256').update(bytes).digest('hex');

  function zipFile(): string {
    const file = path.join(tempDir(), 'a.zip');
    fs.writeFileSync(file, bytes);
    return file;
  }

  it('lays blobs out as sha256/ab/<digest>.zip, read-only, with no temp files left', async () => {
    const root = tempDir();
    const store = new FolderArtifactStore('eu-west-1', root);
    await store.putFile(zipFile());
    const file = path.join(root, 'sha256', digest.slice(0, 2), `${digest}.zip`);
    expect(store.blobPath(digest)).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('never takes a temp file for a blob', async () => {
    const root = tempDir();
    const store = new FolderArtifactStore('eu-west-1', root);
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
    fs.writeFileSync(path.join(root, 'tmp', `${digest}.part`), bytes.subarray(0, 100));
    expect(await store.has(digest)).toBe(false);
  });

  it('hashes while copying from a blob it has not verified, as another process would find it', async () => {
    const sourceRoot = tempDir();
    const source = new FolderArtifactStore('eu-west-1', sourceRoot);
    // Written by "another process": present, never hashed by this one.
    fs.mkdirSync(path.dirname(source.blobPath(digest)), { recursive: true });
    fs.writeFileSync(source.blobPath(digest), bytes);
    const raw = await source.openRaw(digest);
    expect(raw).toMatchObject({ kind: 'file', verified: false });
    const target = new FolderArtifactStore('us-east-1', tempDir());
    expect(await target.copyFrom(source, digest)).toEqual({ copied: true, bytes: bytes.length });
    expect(await target.openRaw(digest)).toMatchObject({ verified: true });
  });

  it('moves a corrupt blob aside so the next copy restores it', async () => {
    const eu = new FolderArtifactStore('eu-west-1', tempDir());
    const usRoot = tempDir();
    const us = new FolderArtifactStore('us-east-1', usRoot);
    await eu.putFile(zipFile());
    await us.copyFrom(eu, digest);
    fs.chmodSync(us.blobPath(digest), 0o644);
    fs.writeFileSync(us.blobPath(digest), 'torn');
    await expect(us.getVerified(digest)).rejects.toThrow(/corrupt/);
    expect(await us.has(digest)).toBe(false);
    expect(fs.readdirSync(path.join(usRoot, 'corrupt'))).toHaveLength(1);
    expect(await us.copyFrom(eu, digest)).toEqual({ copied: true, bytes: bytes.length });
    expect(fs.readFileSync(await us.getVerified(digest)).equals(bytes)).toBe(true);
  });

  it('resolves a relative root', () => {
    expect(path.isAbsolute(makeArtifactStore('eu-west-1', 'stores/eu').root)).toBe(true);
  });
});
