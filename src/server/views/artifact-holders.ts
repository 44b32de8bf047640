/**
 * Which regions' artifact stores hold a digest. Folder stores are asked directly (a stat);
 * S3 stores are not asked from the server (it has no S3 endpoint of its own), so they are
 * reported as unchecked rather than guessed.
 */
import { FolderArtifactStore } from '../../stores/artifacts/folder-artifact-store.js';
import type { Holders } from './view-types.js';

export async function artifactHolders(stores: Record<string, string>, digest: string): Promise<Holders> {
  const heldIn: string[] = [];
  const unchecked: string[] = [];
  for (const [region, location] of Object.entries(stores)) {
    if (location.startsWith('s3://')) {
      unchecked.push(region);
      continue;
    }
    if (await new FolderArtifactStore(region, location).has(digest).catch(() => false)) heldIn.push(region);
  }
  return { heldIn, unchecked };
}
