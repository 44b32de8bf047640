/**
 * Makes a state dir. One that Meridian creates holds a `.gitignore` of `*`, so that the
 * default `.meridian` inside a project stays out of that project's git without a line in the
 * project's own `.gitignore` (Python's virtual environments and caches do the same). A folder
 * that already exists is left as it is: `--state-dir .` must never hide a project from git.
 */
import fs from 'node:fs';
import path from 'node:path';

export function makeStateDir(stateDir: string): void {
  const created = fs.mkdirSync(stateDir, { recursive: true });
  if (created === undefined) return;
  try {
    fs.writeFileSync(path.join(stateDir, '.gitignore'), '# Written by Meridian: its state dir stays out of git.\n*\n', { flag: 'wx' });
  } catch (error) {
    // Someone wrote one first: theirs stands.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
