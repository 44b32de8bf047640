/**
 * The seam for per-region blob stores. An artifact is a zip addressed by the SHA-256 of its
 * bytes, so the same content has the same digest in every region and replication only
 * moves what a region lacks. Implementations: FolderArtifactStore (S3 comes later); every
 * one runs test/contract/artifact-store.contract.ts.
 */
import type { Readable } from 'node:stream';
import { MeridianError } from '../../domain/errors.js';

/** Lowercase hex SHA-256 of an artifact's zip bytes. */
export type Digest = string;

export interface StoredArtifact {
  digest: Digest;
  size: number;
}

export interface CopyResult {
  /** False when the store already held the digest and nothing moved. */
  copied: boolean;
  bytes: number;
}

/**
 * A blob's bytes as its store can hand them over, not verified: the receiving store hashes
 * what it writes. `verified` says the store has hashed this very file already (see
 * verified-blobs.ts), which lets a local copy skip a second hash.
 */
export type RawBlob = { kind: 'file'; path: string; verified: boolean } | { kind: 'stream'; stream: Readable };

export interface ArtifactStore {
  readonly region: string;
  /** Where the store lives, for messages: a folder, later an `s3://` URL. */
  readonly root: string;
  has(digest: Digest): Promise<boolean>;
  /** Stores a copy of the zip at `zipPath` (the caller keeps its file). */
  putFile(zipPath: string): Promise<StoredArtifact>;
  /**
   * A local path to the blob after checking its SHA-256. Throws MeridianError ARTIFACT when
   * the blob is missing or its bytes do not match the digest.
   */
  getVerified(digest: Digest): Promise<string>;
  /** The blob's bytes for another store's copyFrom. Throws ARTIFACT when missing. */
  openRaw(digest: Digest): Promise<RawBlob>;
  /** Brings `digest` from `source` into this store unless it is already here. */
  copyFrom(source: ArtifactStore, digest: Digest): Promise<CopyResult>;
}

const DIGEST = /^[0-9a-f]{64}$/;

/** Digests become file names, so anything else is refused before it reaches a path. */
export function assertDigest(digest: string): void {
  if (!DIGEST.test(digest)) {
    throw new MeridianError('ARTIFACT', `"${digest}" is not an artifact digest (64 lowercase hex characters of SHA-256)`, {
      details: { digest },
    });
  }
}

export function describeStore(store: Pick<ArtifactStore, 'region' | 'root'>): string {
  return `the ${store.region} artifact store (${store.root})`;
}
