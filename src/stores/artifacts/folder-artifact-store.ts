/**
 * An artifact store in a local folder: `<root>/sha256/ab/abcdef….zip`. Blobs are written to
 * `<root>/tmp/` and renamed into place, so a reader never sees a half-written blob, and
 * made read-only. Blobs are not fsynced: a blob torn by a power cut fails verification on
 * its next read, is moved to `<root>/corrupt/`, and the next copy or put restores it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import { assertDigest, describeStore, type ArtifactStore, type CopyResult, type Digest, type RawBlob, type StoredArtifact } from './artifact-store.js';
import { copyHashing, sha256File } from './blob-io.js';
import { forgetVerified, isKnownVerified, rememberVerified } from './verified-blobs.js';

export class FolderArtifactStore implements ArtifactStore {
  readonly region: string;
  readonly root: string;

  constructor(region: string, root: string) {
    this.region = region;
    this.root = path.resolve(root);
  }

  blobPath(digest: Digest): string {
    assertDigest(digest);
    return path.join(this.root, 'sha256', digest.slice(0, 2), `${digest}.zip`);
  }

  async has(digest: Digest): Promise<boolean> {
    try {
      return (await fs.stat(this.blobPath(digest))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async putFile(zipPath: string): Promise<StoredArtifact> {
    const tmp = await this.tempPath();
    try {
      if (!(await exists(zipPath))) {
        throw new MeridianError('ARTIFACT', `cannot store ${zipPath} in ${describeStore(this)}: the file does not exist`);
      }
      const copy = await copyHashing(zipPath, tmp);
      await this.commit(tmp, copy.digest, true);
      return { digest: copy.digest, size: copy.bytes };
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  async getVerified(digest: Digest): Promise<string> {
    const file = this.blobPath(digest);
    if (await isKnownVerified(file, digest)) return file;
    let actual: string;
    try {
      actual = await sha256File(file);
    } catch (cause) {
      if (isNotFound(cause)) throw this.missing(digest, cause);
      throw cause;
    }
    if (actual !== digest) {
      const moved = await this.quarantine(file, digest);
      throw new MeridianError(
        'ARTIFACT',
        `artifact ${digest} in ${describeStore(this)} is corrupt (its bytes hash to ${actual}); it was moved to ${moved}. ` +
          'Run the execution again to copy or build it anew.',
        { details: { digest, actual, region: this.region, root: this.root } },
      );
    }
    await rememberVerified(file, digest);
    return file;
  }

  async openRaw(digest: Digest): Promise<RawBlob> {
    const file = this.blobPath(digest);
    if (!(await this.has(digest))) throw this.missing(digest);
    return { kind: 'file', path: file, verified: await isKnownVerified(file, digest) };
  }

  async copyFrom(source: ArtifactStore, digest: Digest): Promise<CopyResult> {
    if (await this.has(digest)) return { copied: false, bytes: 0 };
    const raw = await source.openRaw(digest);
    const tmp = await this.tempPath();
    try {
      if (raw.kind === 'file' && raw.verified) {
        // The source file is known to hash to `digest`, so a kernel copy (copy_file_range,
        // or a reflink where the file system has them) is as good as a hashing one and runs
        // at `cp` speed. This copy is hashed on its first getVerified.
        await fs.copyFile(raw.path, tmp);
        const { size } = await fs.stat(tmp);
        await this.commit(tmp, digest, false);
        return { copied: true, bytes: size };
      }
      const copy = await copyHashing(raw.kind === 'file' ? raw.path : raw.stream, tmp);
      if (copy.digest !== digest) {
        throw new MeridianError(
          'ARTIFACT',
          `artifact ${digest} in ${describeStore(source)} is corrupt (its bytes hash to ${copy.digest}); ` +
            `nothing was copied to ${describeStore(this)}. Run the action that produced it again.`,
          { details: { digest, actual: copy.digest, region: source.region, root: source.root } },
        );
      }
      await this.commit(tmp, digest, true);
      return { copied: true, bytes: copy.bytes };
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  private async tempPath(): Promise<string> {
    const dir = path.join(this.root, 'tmp');
    await fs.mkdir(dir, { recursive: true });
    return path.join(dir, `${process.pid}-${randomBytes(8).toString('hex')}.part`);
  }

  /** Moves a finished temp file into place; `hashed` says its bytes were hashed as written. */
  private async commit(tmp: string, digest: Digest, hashed: boolean): Promise<void> {
    const file = this.blobPath(digest);
    // Keep a blob that is already there: same bytes, and its inode may be known-verified.
    if (await this.has(digest)) return;
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.chmod(tmp, 0o444);
    await fs.rename(tmp, file);
    if (hashed) await rememberVerified(file, digest);
  }

  private async quarantine(file: string, digest: Digest): Promise<string> {
    forgetVerified(file);
    const dir = path.join(this.root, 'corrupt');
    const target = path.join(dir, `${digest}.${randomBytes(4).toString('hex')}.zip`);
    await fs.mkdir(dir, { recursive: true });
    await fs.rename(file, target);
    return target;
  }

  private missing(digest: Digest, cause?: unknown): MeridianError {
    return new MeridianError(
      'ARTIFACT',
      `artifact ${digest} is not in ${describeStore(this)}; run the action that produces it again, or check the store's path`,
      { cause, details: { digest, region: this.region, root: this.root } },
    );
  }
}

/** The artifact store of one region. Only folders for now; S3 will be chosen from `root`. */
export function makeArtifactStore(region: string, root: string): ArtifactStore {
  return new FolderArtifactStore(region, root);
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}
