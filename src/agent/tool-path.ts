import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folders whose shim this process has already checked: every job asks, the file is read once. */
const checked = new Set<string>();

/**
 * A folder with a `meridian` executable that runs this same Meridian, so a build can call
 * `meridian package` as the seed's buildspec calls `aws cloudformation package`. Written once
 * per state dir; the bundle lives in dist/, the launcher in bin/.
 */
export function meridianToolPath(stateDir: string): string {
  const dir = path.join(stateDir, 'bin');
  if (checked.has(dir)) return dir;
  const shim = path.join(dir, 'meridian');
  const launcher = fileURLToPath(new URL('../bin/meridian.js', import.meta.url));
  const script = `#!/bin/sh\nexec "${process.execPath}" "${launcher}" "$@"\n`;
  let current: string | undefined;
  try {
    current = fs.readFileSync(shim, 'utf8');
  } catch {
    current = undefined; // not written yet
  }
  if (current !== script) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${shim}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, script, { mode: 0o755 });
    fs.renameSync(tmp, shim);
  }
  checked.add(dir);
  return dir;
}
