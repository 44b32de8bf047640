/**
 * The version `meridian --version` prints: the one in Meridian's own package.json, found by
 * walking up from this module (src/cli/ in a clone, dist/ in the bundle an install runs), so
 * it is true of a clone, `npm link`, a global install and a packed tarball alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function meridianVersion(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ;) {
    const manifest = readManifest(path.join(dir, 'package.json'));
    if (manifest?.name === 'meridian' && typeof manifest.version === 'string') return manifest.version;
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}
