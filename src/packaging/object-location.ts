/**
 * Where packaged objects are written and how a template names them.
 *
 * Objects are files under `<store>/objects/<key>`, next to the store's artifact blobs. The
 * template keeps AWS's shapes (`s3://bucket/key`, `{S3Bucket, S3Key}`, a path-style
 * `https://s3.<region>.amazonaws.com/bucket/key`) so the same template deploys on AWS
 * unchanged; the bucket is `--s3-bucket` or `meridian-<region>`. Meridian's local
 * CloudFormation endpoint (a later issue) resolves any bucket/key pair of a stack in
 * region R to `<store of R>/objects/<key>`: the bucket is a label, the region picks the store.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertNever, MeridianError } from '../domain/errors.js';
import type { Shape } from './packageable-properties.js';

export interface StoredObject {
  bucket: string;
  key: string;
}

export const OBJECTS_FOLDER = 'objects';

/** The file that holds `key` in a store folder. Keys were checked by `checkPrefix`, so this stays inside. */
export function objectPath(storeRoot: string, key: string): string {
  return path.join(storeRoot, OBJECTS_FOLDER, ...key.split('/').filter((s) => s !== ''));
}

/** A store given as a folder path or a `file://` URL; other schemes are not folders. */
export function storeFolderFrom(value: string, what: string): string {
  if (value.startsWith('file://')) {
    try {
      return fileURLToPath(value);
    } catch (cause) {
      throw new MeridianError('BAD_INPUT', `${what} ${value} is not a valid file:// URL: ${(cause as Error).message}`, { cause });
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new MeridianError(
      'BAD_INPUT',
      `${what} ${value} is not a folder: \`meridian package\` writes to a folder store or an S3 bucket; give a path, a file:// URL or s3://bucket[/prefix]`,
    );
  }
  return path.resolve(value);
}

/** `MERIDIAN_ARTIFACT_STORES` as a build exports it: JSON `{ "<region>": "<store folder>" }`. */
export function parseArtifactStores(json: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new MeridianError('BAD_INPUT', `MERIDIAN_ARTIFACT_STORES is not JSON (${(cause as Error).message}); it must be {"<region>": "<store folder>"}`, {
      cause,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MeridianError('BAD_INPUT', 'MERIDIAN_ARTIFACT_STORES must be a JSON object {"<region>": "<store folder>"}');
  }
  const stores: Record<string, string> = {};
  for (const [region, folder] of Object.entries(parsed)) {
    if (typeof folder !== 'string' || folder === '') {
      throw new MeridianError('BAD_INPUT', `MERIDIAN_ARTIFACT_STORES.${region} must be a folder path`);
    }
    stores[region] = folder;
  }
  return stores;
}

export function checkRegion(region: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(region)) {
    throw new MeridianError('BAD_INPUT', `--region ${JSON.stringify(region)} is not a region name; use letters, digits, "-", "_" and "." (e.g. eu-west-1)`);
  }
}

/** Keys become paths under `objects/`: a prefix may not climb out of it. */
export function checkPrefix(prefix: string): void {
  if (prefix.split('/').includes('..') || prefix.includes('\\') || prefix.includes('\0')) {
    throw new MeridianError('BAD_INPUT', `--s3-prefix ${JSON.stringify(prefix)} may not contain ".." segments, backslashes or NUL`);
  }
}

/** The bucket written into templates when `--s3-bucket` is not given: a valid S3 bucket name per region. */
export function defaultBucket(region: string): string {
  return `meridian-${region.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
}

/** The CLI's replacement for one uploaded object (`make_url`, `parse_s3_url`, `to_path_style_s3_url`). */
export function replacementFor(shape: Shape, object: StoredObject, region: string): string | Record<string, string> {
  switch (shape.kind) {
    case 'url':
      return `s3://${object.bucket}/${object.key}`;
    case 'dict':
      return { [shape.bucket]: object.bucket, [shape.key]: object.key };
    case 'template-url':
      return `https://s3.${region}.amazonaws.com/${object.bucket}/${object.key}`;
    default:
      return assertNever(shape);
  }
}

export interface StoreChoice {
  /** A folder store; empty when the store is an S3 bucket. */
  root: string;
  /** Set when the region's store is `s3://bucket[/prefix]`. */
  s3?: { bucket: string; prefix: string | undefined };
  /** Set when the choice is probably not what the caller meant. */
  warning?: string;
}

/** `--store` wins; then the execution's store for the region (a build's MERIDIAN_ARTIFACT_STORES); then `<state-dir>/stores/<region>`. */
export function chooseStore(input: { store?: string; region: string; executionStores?: string; stateDir: string }): StoreChoice {
  if (input.store?.startsWith('s3://')) return { root: '', s3: parseS3Store(input.store) };
  if (input.store !== undefined) return { root: storeFolderFrom(input.store, '--store') };
  const fallback = path.join(input.stateDir, 'stores', input.region);
  if (input.executionStores === undefined) return { root: fallback };
  const stores = parseArtifactStores(input.executionStores);
  const folder = stores[input.region];
  if (folder?.startsWith('s3://')) return { root: '', s3: parseS3Store(folder) };
  if (folder !== undefined) return { root: storeFolderFrom(folder, `MERIDIAN_ARTIFACT_STORES.${input.region}`) };
  return {
    root: fallback,
    warning:
      `warning: this execution has no artifact store for ${input.region} (MERIDIAN_ARTIFACT_STORES has ${Object.keys(stores).join(', ') || 'none'}); ` +
      `writing to ${fallback}. Pass --store to choose the folder.`,
  };
}

/** `s3://bucket[/prefix]` into its parts. */
export function parseS3Store(value: string): { bucket: string; prefix: string | undefined } {
  const rest = value.slice('s3://'.length).replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (bucket === '') throw new MeridianError('BAD_INPUT', `${value} names no bucket; write s3://bucket[/prefix]`);
  return { bucket, prefix: slash < 0 ? undefined : rest.slice(slash + 1) };
}
