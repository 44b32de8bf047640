/**
 * The artifact store of one region, chosen from its location: `s3://bucket[/prefix]` is an
 * S3 bucket, anything else a local folder.
 */
import path from 'node:path';
import type { ArtifactStore } from './artifact-store.js';
import { FolderArtifactStore } from './folder-artifact-store.js';
import { S3ArtifactStore, type S3ArtifactStoreOptions } from './s3-artifact-store.js';

export interface MakeArtifactStoreOptions {
  /** S3 downloads are verified into `<stateDir>/cache/s3/<region>`. */
  stateDir: string;
  /** From `s3EndpointFromEnv()` (AWS_ENDPOINT_URL_S3); the stores never read the environment. */
  s3Endpoint?: string;
  credentials?: S3ArtifactStoreOptions['credentials'];
}

export function makeArtifactStoreFor(location: string, region: string, options: MakeArtifactStoreOptions): ArtifactStore {
  if (!location.startsWith('s3://')) return new FolderArtifactStore(region, location);
  return new S3ArtifactStore({
    region,
    location,
    cacheDir: path.join(options.stateDir, 'cache', 's3', region),
    ...(options.s3Endpoint === undefined ? {} : { endpoint: options.s3Endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
}
