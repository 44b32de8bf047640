/** Real git repositories in temp folders, with fixed authors and dates. */
import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from './context.js';

const run = promisify(execFile);

const IDENTITY = ['-c', 'user.name=Ada Lovelace', '-c', 'user.email=ada@example.com', '-c', 'commit.gpgsign=false'];

export async function gitIn(repo: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run('git', [...IDENTITY, ...args], { cwd: repo, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', ...env } });
  return stdout.trim();
}

/** Files map: path -> content; a leading `!` in the content makes the file executable. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    const executable = content.startsWith('!');
    await writeFile(file, executable ? content.slice(1) : content);
    if (executable) await chmod(file, 0o755);
  }
}

export async function makeRepo(name = 'service-x'): Promise<string> {
  const repo = join(await makeTempDir('meridian-git-'), name);
  await mkdir(repo);
  await gitIn(repo, ['init', '--quiet', '--initial-branch', 'main']);
  return repo;
}

export async function commit(repo: string, files: Record<string, string>, message: string, date = '2024-03-01T12:00:00+02:00'): Promise<string> {
  await writeFiles(repo, files);
  await gitIn(repo, ['add', '--all']);
  await gitIn(repo, ['commit', '--quiet', '--message', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  return gitIn(repo, ['rev-parse', 'HEAD']);
}
