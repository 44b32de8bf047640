/**
 * The system `git`, run without a shell. Every command gets the inherited environment minus
 * repository overrides, never prompts (GIT_TERMINAL_PROMPT=0 and no terminal), and stops
 * with the action's signal.
 */
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import { runProcess, type ProcessResult } from '../child-process.js';
import { inheritedEnvironment } from '../inherited-environment.js';

export interface GitOptions {
  signal: AbortSignal;
  cwd?: string;
  env?: Record<string, string>;
}

export interface CommitInfo {
  commitId: string;
  authorName: string;
  /** ISO 8601 UTC. */
  authorDate: string;
  committerDate: string;
  message: string;
}

/** Runs git and returns its result whatever the exit code. */
export function runGit(args: readonly string[], options: GitOptions): Promise<ProcessResult> {
  const env = { ...inheritedEnvironment(), GIT_TERMINAL_PROMPT: '0', ...options.env };
  return runProcess('git', args, { signal: options.signal, cwd: options.cwd, env });
}

/** Runs git and returns its stdout; a non-zero exit is a SOURCE error carrying git's message. */
export async function git(args: readonly string[], options: GitOptions): Promise<string> {
  const result = await runGit(args, options);
  if (result.exitCode !== 0) throw gitFailure(args, result);
  return result.stdout;
}

export function gitFailure(args: readonly string[], result: ProcessResult): MeridianError {
  const said = diagnosis(result.stderr || result.stdout) || `exit code ${result.exitCode ?? result.signal ?? 'unknown'}`;
  return new MeridianError('SOURCE', `git ${args.find((arg) => !arg.startsWith('-')) ?? ''} failed: ${said}`, {
    details: { args: [...args], exitCode: result.exitCode, stderr: result.stderr },
  });
}

/**
 * The git dir of the repository at `path`, or undefined when `path` itself is not a git
 * repository (a folder inside one does not count: GIT_CEILING_DIRECTORIES stops the search).
 */
export async function gitDirOf(path: string, signal: AbortSignal): Promise<string | undefined> {
  const result = await runGit(['rev-parse', '--absolute-git-dir'], {
    signal,
    cwd: path,
    env: { GIT_CEILING_DIRECTORIES: dirname(path) },
  });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** The commit `rev` names, or undefined. `rev` must not start with `-`. */
export async function resolveCommit(gitDir: string, rev: string, signal: AbortSignal): Promise<string | undefined> {
  const result = await runGit(['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { signal });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** The branch HEAD points at, or undefined when HEAD is detached. */
export async function currentBranch(gitDir: string, signal: AbortSignal): Promise<string | undefined> {
  const result = await runGit(['--git-dir', gitDir, 'symbolic-ref', '--quiet', '--short', 'HEAD'], { signal });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** Short names of the refs under `prefix` (e.g. `refs/heads/`), sorted, without symbolic HEADs. */
export async function listBranches(gitDir: string, prefix: string, signal: AbortSignal): Promise<string[]> {
  const out = await git(['--git-dir', gitDir, 'for-each-ref', '--format=%(refname)', prefix], { signal });
  return out
    .split('\n')
    .filter((ref) => ref.startsWith(prefix))
    .map((ref) => ref.slice(prefix.length))
    .filter((name) => name !== 'HEAD')
    .sort();
}

export async function commitInfo(gitDir: string, commit: string, signal: AbortSignal): Promise<CommitInfo> {
  const out = await git(['--git-dir', gitDir, '-c', 'log.showSignature=false', 'show', '--no-patch', '--format=%H%x00%an%x00%aI%x00%cI%x00%B', commit], {
    signal,
  });
  const [commitId = '', authorName = '', authorDate = '', committerDate = '', ...message] = out.split('\0');
  return {
    commitId,
    authorName,
    authorDate: new Date(authorDate).toISOString(),
    committerDate: new Date(committerDate).toISOString(),
    message: message.join('\0').trimEnd(),
  };
}

/**
 * Writes the tree of `commit` into `outDir`: the files only, with their executable bits and
 * symlinks, never `.git`. A temporary index keeps the repository's own index untouched;
 * read-tree + checkout-index was the fastest of archive|tar, checkout and this.
 */
export async function exportTree(gitDir: string, commit: string, outDir: string, scratchDir: string, signal: AbortSignal): Promise<void> {
  const env = { GIT_INDEX_FILE: join(scratchDir, `index-${commit}`) };
  const base = ['--git-dir', gitDir, '--work-tree', outDir];
  try {
    await git([...base, 'read-tree', commit], { signal, env });
    await git([...base, 'checkout-index', '--all', '--force'], { signal, env });
  } finally {
    await rm(env.GIT_INDEX_FILE, { force: true });
  }
}

/** git's own diagnosis: its fatal/error lines when it printed some, else its last lines. */
function diagnosis(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const errors = lines.filter((line) => /^(fatal|error):/.test(line));
  return (errors.length > 0 ? errors.slice(-2) : lines.slice(-3)).join(' / ');
}
