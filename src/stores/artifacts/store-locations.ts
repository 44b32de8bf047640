/**
 * Where each region's artifact store of a pipeline is, as an execution fixes it when it
 * starts and as `meridian plan` shows it: a folder (relative locations are relative to the
 * state dir), or `s3://bucket[/prefix]`. A CodePipeline `ArtifactStores` bucket is not an
 * `s3://` location, so it stays a local folder per region: nothing reaches AWS unless a
 * definition asks for `s3://` explicitly. The home region always has a store.
 */
import path from 'node:path';
import type { ArtifactStoreRef, Pipeline } from '../../domain/pipeline.js';

export function storeLocations(pipeline: Pipeline, stateDir: string): Record<string, string> {
  const stores: Record<string, string> = {};
  for (const region of pipeline.regions) stores[region.name] = storeLocation(region.store, region.name, stateDir);
  stores[pipeline.homeRegion] ??= path.join(stateDir, 'stores', pipeline.homeRegion);
  return stores;
}

function storeLocation(store: ArtifactStoreRef, region: string, stateDir: string): string {
  if (store.kind === 'folder') return path.resolve(stateDir, store.location);
  return store.location.startsWith('s3://') ? store.location : path.join(stateDir, 'stores', region);
}
