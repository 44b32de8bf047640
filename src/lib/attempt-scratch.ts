/**
 * Where an attempt's scratch folder is: its scripts and the files they write back, kept out
 * of the work dir (which an action's `files` globs) and named by the job, so that the folder
 * of an attempt killed with Meridian can be found and removed once the attempt is over.
 */
import path from 'node:path';

/** The folder holding every attempt's scratch folder under a state dir (or an agent's root). */
export function scratchRoot(root: string): string {
  return path.join(root, 'scratch');
}

export function scratchFolder(root: string, jobId: string): string {
  return path.join(scratchRoot(root), jobId);
}
