/**
 * Where an attempt's folders are: its work folder (inputs, outputs, what the build writes)
 * and its scratch folder (its scripts and the files they write back, kept out of the work
 * folder, which an action's `files` globs). Both are named by the job, so that the folders of
 * an attempt killed with Meridian can be found and removed once the attempt is over.
 *
 * Both lie outside the state dir, in a folder of the OS temp dir (TMPDIR) kept per state dir:
 * the state dir is often inside a project (`.meridian` by default), and a build run in it
 * would take that project for its own — Node's nearest package.json (`"type": "module"`) and
 * node_modules, npm's .npmrc, git's repository, tsconfig.json, pyproject.toml, go.mod, and
 * every other tool that looks up through parent folders. No boundary file stops all of them
 * (node_modules resolution has none); a folder outside the project does, as a clean checkout.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MeridianError } from '../domain/errors.js';

/**
 * The folder of the attempts of one state dir (or an agent's root):
 * `TMPDIR/meridian-UID/HASH`, HASH from the folder's real path.
 */
export function attemptsRoot(root: string): string {
  return path.join(userFolder(), hashOf(root));
}

function hashOf(root: string): string {
  return createHash('sha256').update(realPath(root)).digest('hex').slice(0, 16);
}

/** The folder holding every attempt's scratch folder of a state dir (or an agent's root). */
export function scratchRoot(root: string): string {
  return path.join(attemptsRoot(root), 'scratch');
}

export function scratchFolder(root: string, jobId: string): string {
  return path.join(scratchRoot(root), jobId);
}

/** The folder holding every attempt's work folder of a state dir (or an agent's root). */
export function workRoot(root: string): string {
  return path.join(attemptsRoot(root), 'work');
}

/** One attempt's work folder, named by its job as its scratch folder is: found and removed the same way. */
export function workFolder(root: string, jobId: string): string {
  return path.join(workRoot(root), jobId);
}

/** The work folder beside a recorded scratch folder (a killed attempt's record names only the latter). */
export function workFolderOf(scratch: string): string {
  return path.join(path.dirname(path.dirname(scratch)), 'work', path.basename(scratch));
}

/**
 * Removes the attempts folder of `root` when no attempt holds anything in it (as a Meridian
 * closes): every state dir would otherwise leave two empty folders in the temp dir. An attempt
 * starting meanwhile makes its folders again.
 */
export function removeEmptyAttemptsRoot(root: string): void {
  const folder = path.join(userFolderPath(), hashOf(root));
  for (const dir of [path.join(folder, 'work'), path.join(folder, 'scratch'), folder]) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // Not empty (an attempt of another Meridian on this state dir), or already gone.
    }
  }
}

/**
 * `TMPDIR/meridian-UID`, which only this user may enter: the temp dir is shared, and a folder
 * another user made (or a link) there could read or change what a build runs. Checked on every
 * call, since a temp cleaner may remove it between attempts.
 */
function userFolder(): string {
  const uid = process.getuid?.();
  const folder = userFolderPath();
  try {
    fs.mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotUse(folder, (error as Error).message);
  }
  const stat = fs.lstatSync(folder);
  if (!stat.isDirectory()) throw cannotUse(folder, 'it is not a folder');
  if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o077) !== 0)) {
    throw cannotUse(folder, `it belongs to uid ${stat.uid} with mode ${(stat.mode & 0o777).toString(8)}, not to uid ${uid} alone (0700)`);
  }
  return folder;
}

function userFolderPath(): string {
  return path.join(os.tmpdir(), `meridian-${process.getuid?.() ?? os.userInfo().username}`);
}

function cannotUse(folder: string, why: string): MeridianError {
  return new MeridianError('STATE_DIR', `cannot keep the actions' work folders in ${folder}: ${why}. Remove it, or set TMPDIR to a folder of your own.`);
}

function realPath(folder: string): string {
  try {
    return fs.realpathSync(folder);
  } catch {
    return path.resolve(folder);
  }
}
