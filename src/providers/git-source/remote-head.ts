/**
 * The commit a source action's branch points at now, read with `git ls-remote` (no clone):
 * what polling compares with the last commit it saw.
 */
import { MeridianError } from '../../domain/errors.js';
import { actionTypeKey, type Action } from '../../domain/pipeline.js';
import { configString } from '../config.js';
import { runGit } from './git.js';
import { SOURCE_TYPES } from './source-types.js';

export async function remoteHead(action: Action, override: { location?: string; branch?: string }, signal: AbortSignal): Promise<string> {
  const type = SOURCE_TYPES[actionTypeKey(action.type)];
  if (!type) throw new MeridianError('BAD_INPUT', `${action.name} is a ${actionTypeKey(action.type)} action, which cannot be polled`);
  const location = override.location || type.location(action);
  const branch = override.branch ?? configString(action, type.branchKey);
  const ref = branch ? `refs/heads/${branch}` : 'HEAD';
  const result = await runGit(['ls-remote', '--', location, ref], { signal });
  if (result.exitCode !== 0) throw new MeridianError('SOURCE', `git ls-remote ${location} ${ref} failed: ${result.stderr.trim()}`);
  const commit = result.stdout
    .split('\n')
    .find((line) => line.endsWith(`\t${ref}`))
    ?.split('\t')[0];
  if (!commit) throw new MeridianError('SOURCE', `${location} has no ${branch ? `branch ${branch}` : 'HEAD'}`);
  return commit;
}
