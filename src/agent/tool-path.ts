import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A folder with a `meridian` executable that runs this same Meridian, so a build can call
 * `meridian package` as the seed's buildspec calls `aws cloudformation package`. Written once
 * per state dir; the bundle lives in dist/, the launcher in bin/.
 */
export function meridianToolPath(stateDir: string): string {
  const dir = path.join(stateDir, 'bin');
  const shim = path.join(dir, 'meridian');
  const launcher = fileURLToPath(new URL('../bin/meridian.js', import.meta.url));
  const script = `#!/bin/sh\nexec "${process.execPath}" "${launcher}" "$@"\n`;
  try {
    if (fs.readFileSync(shim, 'utf8') === script) return dir;
  } catch {
    // Not written yet.
  }
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${shim}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, script, { mode: 0o755 });
  fs.renameSync(tmp, shim);
  return dir;
}
