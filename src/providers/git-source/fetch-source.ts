/**
 * Gets one commit of a repository into an output folder. A local path is read in place (its
 * working tree and index are never touched); a URL is cloned into a scratch folder first,
 * shallow unless the output must be a full clone.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import { throwIfAborted } from '../abort.js';
import { currentBranch, exportTree, git, gitDirOf, gitFailure, listBranches, resolveCommit, runGit } from './git.js';

export interface SourceRequest {
  /** Local path or URL. */
  location: string;
  branch?: string;
  /** A commit id. */
  revision?: string;
  /** The output keeps `.git` and the history (OutputArtifactFormat CODEBUILD_CLONE_REF). */
  fullClone: boolean;
  /** Extra environment for git, e.g. an auth header passed as GIT_CONFIG_* variables. */
  gitEnv: Record<string, string>;
}

export interface FetchedSource {
  /** A git dir holding the commit, for reading its metadata. */
  gitDir: string;
  commit: string;
  branch: string;
}

interface Place {
  gitDir: string;
  /** How the repository is named in messages. */
  where: string;
  /** Where its branches live: refs/heads/ for a repository, refs/remotes/origin/ for a clone. */
  branchPrefix: string;
  /** May fetch a missing commit from `origin`. */
  remote: boolean;
}

const TO_LOCAL = 'pass --source NAME=PATH pointing at a folder with a .git';

export function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) || /^[^/\s]+@[^/\s]+:/.test(location);
}

/** The URL without a password, for messages. */
export function displayLocation(location: string): string {
  return location.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*:[^@/]*@/i, '$1***@');
}

export async function fetchSource(request: SourceRequest, outDir: string, scratchDir: string, signal: AbortSignal): Promise<FetchedSource> {
  checkRefNames(request);
  return isUrl(request.location)
    ? fetchRemote(request, outDir, scratchDir, signal)
    : fetchLocal(request, resolve(request.location), outDir, scratchDir, signal);
}

async function fetchLocal(request: SourceRequest, path: string, outDir: string, scratchDir: string, signal: AbortSignal): Promise<FetchedSource> {
  const exists = await stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!exists) throw new MeridianError('SOURCE', `${path} does not exist or is not a folder; ${TO_LOCAL}`);
  const gitDir = await gitDirOf(path, signal);
  if (!gitDir) throw new MeridianError('SOURCE', `${path} is not a git repository; ${TO_LOCAL}`);
  const place: Place = { gitDir, where: path, branchPrefix: 'refs/heads/', remote: false };
  const { commit, branch } = await pickCommit(place, request, signal);
  if (!request.fullClone) {
    await exportTree(gitDir, commit, outDir, scratchDir, signal);
    return { gitDir, commit, branch };
  }
  // --no-hardlinks: the artifact must not share object files with the user's repository.
  await clone(path, outDir, ['--no-checkout', '--no-hardlinks'], request, signal);
  const cloned = join(outDir, '.git');
  if (!(await resolveCommit(cloned, commit, signal))) await git(['--git-dir', cloned, 'fetch', '--quiet', 'origin', commit], { signal });
  await checkoutBranch(outDir, branch, commit, signal);
  return { gitDir: cloned, commit, branch };
}

async function fetchRemote(request: SourceRequest, outDir: string, scratchDir: string, signal: AbortSignal): Promise<FetchedSource> {
  const where = displayLocation(request.location);
  if (request.fullClone) {
    await clone(request.location, outDir, ['--no-checkout'], request, signal);
    const place: Place = { gitDir: join(outDir, '.git'), where, branchPrefix: 'refs/remotes/origin/', remote: true };
    const { commit, branch } = await pickCommit(place, request, signal);
    await checkoutBranch(outDir, branch, commit, signal);
    return { gitDir: place.gitDir, commit, branch };
  }
  const repo = join(scratchDir, 'clone');
  const branchArgs = request.branch ? ['--branch', request.branch] : [];
  await clone(request.location, repo, ['--no-checkout', '--depth', '1', ...branchArgs], request, signal);
  const place: Place = { gitDir: join(repo, '.git'), where, branchPrefix: 'refs/remotes/origin/', remote: true };
  const { commit, branch } = await pickCommit(place, request, signal);
  await exportTree(place.gitDir, commit, outDir, scratchDir, signal);
  return { gitDir: place.gitDir, commit, branch };
}

async function pickCommit(place: Place, request: SourceRequest, signal: AbortSignal): Promise<{ commit: string; branch: string }> {
  const branch = request.branch ?? (await currentBranch(place.gitDir, signal));
  if (request.revision) {
    const commit = (await resolveCommit(place.gitDir, request.revision, signal)) ?? (await fetchCommit(place, request.revision, signal));
    if (!commit) throw new MeridianError('SOURCE', `commit ${request.revision} not found in ${place.where}; pass a commit id that exists there`);
    return { commit, branch: branch ?? 'HEAD' };
  }
  if (branch === undefined) {
    // A detached HEAD and no branch asked for: take the checked-out commit.
    const commit = await resolveCommit(place.gitDir, 'HEAD', signal);
    if (!commit) throw new MeridianError('SOURCE', `${place.where} has no commits yet; commit something first`);
    return { commit, branch: 'HEAD' };
  }
  const candidates = place.remote ? [`${place.branchPrefix}${branch}`] : [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`];
  for (const ref of candidates) {
    const commit = await resolveCommit(place.gitDir, ref, signal);
    if (commit) return { commit, branch };
  }
  throw missingBranch(branch, place.where, await listBranches(place.gitDir, place.branchPrefix, signal));
}

/** A shallow clone lacks older commits: ask the remote for the one wanted, then for the whole history. */
async function fetchCommit(place: Place, revision: string, signal: AbortSignal): Promise<string | undefined> {
  if (!place.remote) return undefined;
  throwIfAborted(signal);
  const byId = await runGit(['--git-dir', place.gitDir, 'fetch', '--quiet', '--depth', '1', 'origin', revision], { signal });
  if (byId.exitCode !== 0) await runGit(['--git-dir', place.gitDir, 'fetch', '--quiet', '--unshallow', 'origin'], { signal });
  return resolveCommit(place.gitDir, revision, signal);
}

async function clone(location: string, dest: string, args: readonly string[], request: SourceRequest, signal: AbortSignal): Promise<void> {
  const cloneArgs = ['clone', '--quiet', ...args, '--', location, dest];
  const result = await runGit(cloneArgs, { signal, env: request.gitEnv });
  if (result.exitCode === 0) return;
  const where = displayLocation(location);
  if (request.branch && isUrl(location)) {
    const branches = await remoteBranches(location, request.gitEnv, signal);
    if (branches && !branches.includes(request.branch)) throw missingBranch(request.branch, where, branches);
  }
  const failure = gitFailure(cloneArgs, result);
  const hint = isUrl(location) ? `check the URL and your git credentials, or ${TO_LOCAL} to use a local repository` : TO_LOCAL;
  throw new MeridianError('SOURCE', `cannot fetch ${where}: ${failure.message}; ${hint}`, { details: failure.details, cause: failure });
}

async function remoteBranches(url: string, gitEnv: Record<string, string>, signal: AbortSignal): Promise<string[] | undefined> {
  const result = await runGit(['ls-remote', '--heads', '--', url], { signal, env: gitEnv });
  if (result.exitCode !== 0) return undefined;
  return result.stdout
    .split('\n')
    .map((line) => line.split('\t')[1] ?? '')
    .filter((ref) => ref.startsWith('refs/heads/'))
    .map((ref) => ref.slice('refs/heads/'.length))
    .sort();
}

async function checkoutBranch(workTree: string, branch: string, commit: string, signal: AbortSignal): Promise<void> {
  const args = branch === 'HEAD' ? ['checkout', '--quiet', '--detach', commit] : ['checkout', '--quiet', '-B', branch, commit];
  await git(['-C', workTree, ...args], { signal });
}

function missingBranch(branch: string, where: string, branches: string[]): MeridianError {
  const existing = branches.length > 0 ? `its branches are: ${branches.join(', ')}` : 'it has no branches yet (commit something first)';
  return new MeridianError('SOURCE', `branch ${branch} not found in ${where}; ${existing}. Set the action's branch or pass --source NAME=LOCATION#BRANCH`, {
    details: { branch, branches },
  });
}

/** Names from an override bypass validation; git must never read them as options. */
function checkRefNames(request: SourceRequest): void {
  if (request.branch !== undefined && !isBranchName(request.branch)) {
    throw new MeridianError('SOURCE', `"${request.branch}" is not a valid branch name`);
  }
  if (request.revision !== undefined && !/^[0-9a-f]{4,64}$/i.test(request.revision)) {
    throw new MeridianError('SOURCE', `"${request.revision}" is not a commit id; pass the hexadecimal id of a commit`);
  }
}

/** git check-ref-format's rules for a branch, without running git. */
export function isBranchName(name: string): boolean {
  if (name === '' || name === '@' || name.startsWith('-') || name.endsWith('/') || name.endsWith('.lock')) return false;
  // eslint-disable-next-line no-control-regex -- control characters are what is being rejected
  return !/[\s~^:?*[\\\x00-\x1f\x7f]|\.\.|@\{|\/\/|^\/|\/\./.test(name);
}
