/**
 * `meridian plan` for a terminal: where each artifact lives. It is written to the store of
 * its producer's region and replicated into the store of each other region whose actions
 * consume it, before they run.
 */
import path from 'node:path';
import type { ArtifactPlacement } from '../domain/artifact-placement.js';

/** A folder under the current one is shown relative to it (`.meridian/stores/eu-west-1`); S3 as written. */
export function showStore(store: string | null, cwd: string): string {
  if (store === null) return '(no store declared)';
  if (store.startsWith('s3://') || !path.isAbsolute(store)) return store;
  const relative = path.relative(cwd, store);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : store;
}

export function artifactLines(artifacts: ArtifactPlacement[], cwd: string): string[] {
  if (artifacts.length === 0) return [];
  const lines = ["Artifacts (written to the producing region's store; replicated into each consuming region's store before its actions run)"];
  const regionWidth = Math.max(6, ...artifacts.flatMap((a) => [a.region, ...a.readIn.map((r) => r.region)].map((r) => r.length)));
  const storeWidth = Math.max(...artifacts.flatMap((a) => a.readIn.map((r) => showStore(r.store, cwd).length)));
  for (const artifact of artifacts) {
    lines.push(`  ${artifact.name}  from ${artifact.producedBy}`);
    lines.push(`    ${'written'.padEnd(10)}  ${artifact.region.padEnd(regionWidth)}  ${showStore(artifact.store, cwd)}`);
    for (const reader of artifact.readIn) {
      const how = reader.replicated ? 'replicated' : 'read';
      lines.push(
        `    ${how.padEnd(10)}  ${reader.region.padEnd(regionWidth)}  ${showStore(reader.store, cwd).padEnd(storeWidth)}  for ${reader.actions.join(', ')}`,
      );
    }
    if (artifact.readIn.length === 0) lines.push('    (no action consumes it)');
  }
  return lines;
}
