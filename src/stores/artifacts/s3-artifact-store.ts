/**
 * An artifact store in an S3 bucket: `s3://bucket[/prefix]`, blobs at
 * `<prefix>/sha256/ab/<digest>.zip` with the digest in the object's `sha256` metadata.
 *
 * S3 cannot hash for us, so every read is verified locally: getVerified downloads into a
 * cache folder, hashes, and remembers the object's ETag beside the cached file; a later read
 * whose HeadObject still shows that ETag reuses the file (an overwrite changes the ETag).
 * Uploads never trust their source either: bytes are hashed as they stream into S3 and a
 * mismatch fails the upload before it completes, so a corrupt blob is never committed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { MeridianError } from '../../domain/errors.js';
import { loadS3 as s3, loadS3Upload as storage } from '../../lib/aws-sdk.js';
import { lazy } from '../../lib/lazy.js';
import { assertDigest, describeStore, type ArtifactStore, type CopyResult, type Digest, type RawBlob, type StoredArtifact } from './artifact-store.js';
import { copyHashing, sha256File } from './blob-io.js';
import { isKnownVerified, rememberVerified } from './verified-blobs.js';

/** 8 MiB parts: S3's minimum is 5 MiB, and fewer, larger parts cost fewer requests. */
export const PART_SIZE = 8 * 1024 * 1024;

export interface S3ArtifactStoreOptions {
  region: string;
  /** `s3://bucket[/prefix]`. */
  location: string;
  /** Local folder for verified downloads, e.g. `<state-dir>/cache/s3/<region>`. */
  cacheDir: string;
  /** An endpoint override (s3rver, MinIO); the caller reads `AWS_ENDPOINT_URL_S3`. */
  endpoint?: string;
  /** Omitted: the SDK's default credential chain. */
  credentials?: S3ClientConfig['credentials'];
}

export function parseS3Location(location: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/.*)?$/.exec(location);
  if (!match?.[1]) {
    throw new MeridianError('BAD_INPUT', `"${location}" is not an S3 artifact store; write s3://bucket or s3://bucket/prefix`);
  }
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: match[1], prefix };
}

export class S3ArtifactStore implements ArtifactStore {
  readonly region: string;
  readonly root: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly endpoint: string | undefined;
  private readonly clientConfig: S3ClientConfig;
  private readonly madeClient = lazy(async () => new (await s3()).S3Client(this.clientConfig));
  private readonly cacheDir: string;
  /** ETags this process knows to hold bytes that hash to their digest. */
  private readonly verifiedEtags = new Map<Digest, string>();

  constructor(options: S3ArtifactStoreOptions) {
    const { bucket, prefix } = parseS3Location(options.location);
    this.region = options.region;
    this.bucket = bucket;
    this.prefix = prefix;
    this.root = prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${prefix}`;
    this.endpoint = options.endpoint;
    this.cacheDir = path.resolve(options.cacheDir);
    this.clientConfig = {
      region: options.region,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, forcePathStyle: true }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    };
  }

  /** The S3 client, made (and the SDK loaded) on first use. */
  client(): Promise<S3Client> {
    return this.madeClient();
  }

  key(digest: Digest): string {
    assertDigest(digest);
    const key = `sha256/${digest.slice(0, 2)}/${digest}.zip`;
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.head(digest)) !== undefined;
  }

  async putFile(zipPath: string): Promise<StoredArtifact> {
    let size: number;
    try {
      size = (await fs.stat(zipPath)).size;
    } catch (cause) {
      throw new MeridianError('ARTIFACT', `cannot store ${zipPath} in ${describeStore(this)}: the file does not exist`, { cause });
    }
    const digest = await sha256File(zipPath);
    if (await this.has(digest)) return { digest, size };
    // Hashed again while uploading: a file changed since the first hash never lands under the wrong key.
    await this.upload(digest, createReadStream(zipPath), this);
    return { digest, size };
  }

  async getVerified(digest: Digest): Promise<string> {
    const etag = await this.head(digest);
    if (etag === undefined) throw this.missing(digest);
    const file = this.cachePath(digest);
    if (await this.cachedFileMatches(file, digest, etag)) return file;

    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.part`;
    try {
      const object = await this.getObject(digest);
      const copy = await copyHashing(object.body, tmp);
      if (copy.digest !== digest) {
        const moved = await this.quarantine(digest);
        throw new MeridianError(
          'ARTIFACT',
          `artifact ${digest} in ${describeStore(this)} is corrupt (its bytes hash to ${copy.digest}); it was moved to ${moved}. ` +
            'Run the execution again to copy or build it anew.',
          { details: { digest, actual: copy.digest, region: this.region, root: this.root } },
        );
      }
      await fs.rename(tmp, file);
      await fs.writeFile(`${file}.etag`, object.etag);
      await rememberVerified(file, digest);
      this.verifiedEtags.set(digest, object.etag);
      return file;
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  async openRaw(digest: Digest): Promise<RawBlob> {
    const etag = await this.head(digest);
    if (etag === undefined) throw this.missing(digest);
    const file = this.cachePath(digest);
    if (this.verifiedEtags.get(digest) === etag && (await isKnownVerified(file, digest))) return { kind: 'file', path: file, verified: true };
    return { kind: 'stream', stream: (await this.getObject(digest)).body };
  }

  async copyFrom(source: ArtifactStore, digest: Digest): Promise<CopyResult> {
    if (await this.has(digest)) return { copied: false, bytes: 0 };
    if (source instanceof S3ArtifactStore && source.endpoint === this.endpoint) {
      const copied = await this.copyInsideS3(source, digest);
      if (copied) return copied;
    }
    const raw = await source.openRaw(digest);
    const bytes = await this.upload(digest, raw.kind === 'file' ? createReadStream(raw.path) : raw.stream, source);
    return { copied: true, bytes };
  }

  /**
   * A server-side copy, only of an object whose ETag the source has verified: S3 does not
   * hash, so copying anything else could spread a corrupt blob. Undefined means "stream it".
   */
  private async copyInsideS3(source: S3ArtifactStore, digest: Digest): Promise<CopyResult | undefined> {
    const known = source.verifiedEtags.get(digest);
    if (known === undefined) return undefined;
    const { CopyObjectCommand, HeadObjectCommand } = await s3();
    const head = await (await source.client()).send(new HeadObjectCommand({ Bucket: source.bucket, Key: source.key(digest) })).catch(notFoundAsUndefined);
    if (head?.ETag !== known) return undefined;
    try {
      await (
        await this.client()
      ).send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: this.key(digest),
          CopySource: `${source.bucket}/${source.key(digest)}`,
          CopySourceIfMatch: known,
          MetadataDirective: 'REPLACE',
          Metadata: { sha256: digest },
          ContentType: 'application/zip',
        }),
      );
    } catch (error) {
      if (statusOf(error) === 412) return undefined;
      throw error;
    }
    return { copied: true, bytes: head.ContentLength ?? 0 };
  }

  /** Streams `body` into the blob's key, hashing on the way; a mismatch aborts the upload. */
  private async upload(digest: Digest, body: Readable, from: ArtifactStore): Promise<number> {
    const check = new DigestCheck(digest);
    const { Upload } = await storage();
    const upload = new Upload({
      client: await this.client(),
      partSize: PART_SIZE,
      queueSize: 4,
      params: { Bucket: this.bucket, Key: this.key(digest), Body: body.pipe(check), Metadata: { sha256: digest }, ContentType: 'application/zip' },
    });
    body.on('error', (error) => check.destroy(error));
    try {
      const result = await upload.done();
      if (result.ETag !== undefined) this.verifiedEtags.set(digest, result.ETag);
      return check.bytes;
    } catch (error) {
      if (check.actual !== undefined && check.actual !== digest) {
        throw new MeridianError(
          'ARTIFACT',
          `artifact ${digest} in ${describeStore(from)} is corrupt (its bytes hash to ${check.actual}); ` +
            `nothing was copied to ${describeStore(this)}. Run the action that produced it again.`,
          { cause: error, details: { digest, actual: check.actual, region: from.region, root: from.root } },
        );
      }
      throw error;
    }
  }

  private async head(digest: Digest): Promise<string | undefined> {
    const key = this.key(digest);
    const { HeadObjectCommand } = await s3();
    const head = await (await this.client()).send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })).catch(notFoundAsUndefined);
    return head === undefined ? undefined : (head.ETag ?? '');
  }

  private async getObject(digest: Digest): Promise<{ body: Readable; etag: string }> {
    try {
      const { GetObjectCommand } = await s3();
      const object = await (await this.client()).send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(digest) }));
      return { body: object.Body as Readable, etag: object.ETag ?? '' };
    } catch (error) {
      if (statusOf(error) === 404) throw this.missing(digest, error);
      throw error;
    }
  }

  /** A cached download is reused while the object keeps the ETag it was downloaded with. */
  private async cachedFileMatches(file: string, digest: Digest, etag: string): Promise<boolean> {
    const cachedEtag = await fs.readFile(`${file}.etag`, 'utf8').catch(() => undefined);
    if (cachedEtag !== etag) return false;
    if (await isKnownVerified(file, digest)) return true;
    const actual = await sha256File(file).catch(() => undefined);
    if (actual !== digest) return false;
    await rememberVerified(file, digest);
    return true;
  }

  /** Moves a corrupt object under `corrupt/` so `has` says false and the next copy restores it. */
  private async quarantine(digest: Digest): Promise<string> {
    this.verifiedEtags.delete(digest);
    const corrupt = `corrupt/${digest}.${randomBytes(4).toString('hex')}.zip`;
    const key = this.prefix === '' ? corrupt : `${this.prefix}/${corrupt}`;
    const { CopyObjectCommand, DeleteObjectCommand } = await s3();
    const client = await this.client();
    await client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: key, CopySource: `${this.bucket}/${this.key(digest)}` }));
    await client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(digest) }));
    return `s3://${this.bucket}/${key}`;
  }

  private cachePath(digest: Digest): string {
    return path.join(this.cacheDir, 'sha256', digest.slice(0, 2), `${digest}.zip`);
  }

  private missing(digest: Digest, cause?: unknown): MeridianError {
    return new MeridianError(
      'ARTIFACT',
      `artifact ${digest} is not in ${describeStore(this)}; run the action that produces it again, or check the bucket, prefix and region`,
      { cause, details: { digest, region: this.region, root: this.root } },
    );
  }
}

/** Passes bytes through, hashing them; fails at the end when they do not hash to `expected`. */
class DigestCheck extends Transform {
  bytes = 0;
  actual: string | undefined;
  private readonly hash = createHash('sha256');

  constructor(private readonly expected: Digest) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.actual = this.hash.digest('hex');
    callback(this.actual === this.expected ? null : new Error(`bytes hash to ${this.actual}, not ${this.expected}`));
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function notFoundAsUndefined(error: unknown): undefined {
  if (statusOf(error) === 404) return undefined;
  throw error;
}
