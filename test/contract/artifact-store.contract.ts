/**
 * The conformance suite every ArtifactStore runs (folder now, S3 later). `makeStore` gives
 * a fresh, empty store per call; `corrupt` changes a stored blob's bytes behind the store's
 * back, the way a disk or a person would.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import type { ArtifactStore } from '../../src/stores/artifacts/artifact-store.js';
import { tempDir } from '../helpers/temp.js';

export interface ArtifactStoreHarness {
  makeStore(region: string): Promise<ArtifactStore>;
  corrupt(store: ArtifactStore, digest: string): Promise<void>;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function blobFile(bytes: Buffer): string {
  const file = path.join(tempDir('meridian-blob-'), 'artifact.zip');
  fs.writeFileSync(file, bytes);
  return file;
}

async function rejection(promise: Promise<unknown>): Promise<MeridianError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MeridianError);
    return error as MeridianError;
  }
  throw new Error('expected a rejection');
}

export function describeArtifactStore(name: string, harness: ArtifactStoreHarness): void {
  describe(`ArtifactStore contract: ${name}`, () => {
    const bytes = Buffer.from('PK pretend zip bytes '.repeat(5000));
    const digest = sha256(bytes);

    it('stores a file under the SHA-256 of its bytes and reads it back verified', async () => {
      const store = await harness.makeStore('eu-west-1');
      expect(await store.has(digest)).toBe(false);
      const stored = await store.putFile(blobFile(bytes));
      expect(stored).toEqual({ digest, size: bytes.length });
      expect(await store.has(digest)).toBe(true);
      const file = await store.getVerified(digest);
      expect(fs.readFileSync(file).equals(bytes)).toBe(true);
      // A second read (known-verified or hashed again) gives the same blob.
      expect(fs.readFileSync(await store.getVerified(digest)).equals(bytes)).toBe(true);
    });

    it('gives the same content the same digest and keeps one blob', async () => {
      const store = await harness.makeStore('eu-west-1');
      const first = await store.putFile(blobFile(bytes));
      const second = await store.putFile(blobFile(Buffer.from(bytes)));
      expect(second).toEqual(first);
      const [a, b] = await Promise.all([store.putFile(blobFile(bytes)), store.putFile(blobFile(bytes))]);
      expect(a).toEqual(first);
      expect(b).toEqual(first);
    });

    it('leaves the caller its file', async () => {
      const store = await harness.makeStore('eu-west-1');
      const file = blobFile(bytes);
      await store.putFile(file);
      expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    });

    it('reports a missing artifact with its digest and store', async () => {
      const store = await harness.makeStore('us-east-1');
      const missing = 'a'.repeat(64);
      const error = await rejection(store.getVerified(missing));
      expect(error.code).toBe('ARTIFACT');
      expect(error.message).toContain(missing);
      expect(error.message).toContain('us-east-1');
      expect(error.message).toContain(store.root);
      expect((await rejection(store.openRaw(missing))).code).toBe('ARTIFACT');
    });

    it('refuses strings that are not digests', async () => {
      const store = await harness.makeStore('eu-west-1');
      for (const bad of ['../../etc/passwd', 'A'.repeat(64), 'abc']) {
        expect((await rejection(store.getVerified(bad))).code).toBe('ARTIFACT');
      }
    });

    it('refuses to store a file that does not exist', async () => {
      const store = await harness.makeStore('eu-west-1');
      const error = await rejection(store.putFile(path.join(tempDir(), 'nope.zip')));
      expect(error.code).toBe('ARTIFACT');
      expect(error.message).toContain('nope.zip');
    });

    it('copies from another store once, then copies nothing', async () => {
      const eu = await harness.makeStore('eu-west-1');
      const us = await harness.makeStore('us-east-1');
      await eu.putFile(blobFile(bytes));
      expect(await us.copyFrom(eu, digest)).toEqual({ copied: true, bytes: bytes.length });
      expect(await us.copyFrom(eu, digest)).toEqual({ copied: false, bytes: 0 });
      expect(fs.readFileSync(await us.getVerified(digest)).equals(bytes)).toBe(true);
    });

    it('says which artifact a missing copy source lacks', async () => {
      const eu = await harness.makeStore('eu-west-1');
      const us = await harness.makeStore('us-east-1');
      const error = await rejection(us.copyFrom(eu, digest));
      expect(error.code).toBe('ARTIFACT');
      expect(error.message).toContain(digest);
      expect(error.message).toContain('eu-west-1');
    });

    it('detects a corrupt blob on read', async () => {
      const store = await harness.makeStore('eu-west-1');
      await store.putFile(blobFile(bytes));
      await store.getVerified(digest);
      await harness.corrupt(store, digest);
      const error = await rejection(store.getVerified(digest));
      expect(error.code).toBe('ARTIFACT');
      expect(error.message).toContain(digest);
      expect(error.message).toContain('corrupt');
    });

    it('refuses to copy a corrupt blob and copies nothing', async () => {
      const eu = await harness.makeStore('eu-west-1');
      const us = await harness.makeStore('us-east-1');
      await eu.putFile(blobFile(bytes));
      await harness.corrupt(eu, digest);
      const error = await rejection(us.copyFrom(eu, digest));
      expect(error.code).toBe('ARTIFACT');
      expect(error.message).toContain(digest);
      expect(error.message).toContain('eu-west-1');
      expect(await us.has(digest)).toBe(false);
    });
  });
}
