/**
 * The artifact stores of an execution's regions, and replication: an artifact consumed in a
 * region is copied into that region's store (only what it lacks) before anything reads it
 * there. The embedded agent does this itself; for remote agents the server does, so an agent
 * only ever reads its own region's store.
 */
import { MeridianError } from '../../domain/errors.js';
import type { ArtifactStore } from './artifact-store.js';
import { makeArtifactStoreFor } from './make-store.js';
import type { ArtifactRecord } from '../../domain/records.js';
import type { Replication } from '../../domain/jobs/job-host.js';

export interface StoreOptions {
  stateDir: string;
  /** AWS_ENDPOINT_URL_S3, for regions whose store is an S3 bucket. */
  s3Endpoint?: string;
}

/** A region's store: a folder, or an S3 bucket for an `s3://bucket[/prefix]` location. */
export function storeFor(stores: Record<string, string>, region: string, options: StoreOptions): ArtifactStore {
  const location = stores[region];
  if (!location) throw new MeridianError('ARTIFACT', `region ${region} has no artifact store; declare one for it`);
  const made: Parameters<typeof makeArtifactStoreFor>[2] = { stateDir: options.stateDir };
  if (options.s3Endpoint !== undefined) made.s3Endpoint = options.s3Endpoint;
  return makeArtifactStoreFor(location, region, made);
}

/** Brings an artifact into `region`'s store; returns that store, and how it got there when it was copied. */
export async function replicateInto(
  stores: Record<string, string>,
  artifact: ArtifactRecord,
  region: string,
  options: StoreOptions,
): Promise<{ store: ArtifactStore; copied?: Replication }> {
  const target = storeFor(stores, region, options);
  if (artifact.region === region) return { store: target };
  const started = performance.now();
  const copy = await target.copyFrom(storeFor(stores, artifact.region, options), artifact.digest);
  if (!copy.copied) return { store: target };
  return { store: target, copied: { from: artifact.region, bytes: copy.bytes, ms: Math.round(performance.now() - started) } };
}
