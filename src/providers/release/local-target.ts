/** A release target in a folder on this machine: plain fs operations. */
import { copyFile, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import { throwIfAborted } from '../abort.js';
import { runProcess } from '../child-process.js';
import { inheritedEnvironment } from '../inherited-environment.js';
import type { ExecOptions, ReleaseEntry, ReleaseTarget } from './target.js';

export function makeLocalTarget(root: string, region: string): ReleaseTarget {
  const at = (path: string): string => join(root, path);
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw localError(error, region, root);
    }
  };
  return {
    description: root,
    root,
    exists: (path) =>
      lstat(at(path)).then(
        () => true,
        () => false,
      ),
    readText: (path) => readFile(at(path), 'utf8').catch(() => undefined),
    writeText: (path, text) =>
      guard(async () => {
        await mkdir(dirname(at(path)), { recursive: true });
        await writeFile(at(path), text);
      }),
    readLink: (path) => readlink(at(path)).catch(() => undefined),
    listDirs: (path) => guard(() => listDirs(at(path))),
    makeDir: (path) => guard(() => mkdir(at(path), { recursive: true }).then(() => undefined)),
    remove: (path) => rm(at(path), { recursive: true, force: true }),
    rename: (from, to) => guard(() => rename(at(from), at(to))),
    touch: (path) => utimes(at(path), new Date(), new Date()),
    pointLink: (path, target) =>
      guard(async () => {
        const temp = `${at(path)}.tmp-${process.pid}-${Date.now()}`;
        await symlink(target, temp);
        await rename(temp, at(path));
      }),
    upload: (source, path, signal) =>
      guard(async () => {
        await rm(at(path), { recursive: true, force: true });
        await copyTree(source, at(path), signal);
      }),
    exec: (command, options) => exec(command, root, options),
  };
}

async function listDirs(dir: string): Promise<ReleaseEntry[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const result: ReleaseEntry[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) result.push({ name: entry.name, mtimeMs: (await lstat(join(dir, entry.name))).mtimeMs });
  }
  return result;
}

/** Copies file by file so an abort stops between files; symlinks are kept as links. */
async function copyTree(source: string, dest: string, signal: AbortSignal): Promise<void> {
  await mkdir(dest, { recursive: true });
  for (const entry of await readdir(source, { withFileTypes: true })) {
    throwIfAborted(signal);
    const from = join(source, entry.name);
    const to = join(dest, entry.name);
    if (entry.isDirectory()) await copyTree(from, to, signal);
    else if (entry.isSymbolicLink()) await symlink(await readlink(from), to);
    else if (entry.isFile()) await copyFile(from, to);
    else throw new MeridianError('ARTIFACT', `the artifact holds ${entry.name}, which is neither a file, a folder nor a symlink; remove it from the artifact`);
  }
}

async function exec(command: string, root: string, options: ExecOptions): Promise<number | null> {
  const result = await runProcess('bash', ['-c', command], {
    cwd: join(root, options.cwd),
    env: { ...inheritedEnvironment(), ...options.env },
    shield: true,
    signal: options.signal,
    onOutput: options.onOutput,
    leftovers: options.leftovers,
  });
  return result.exitCode;
}

function localError(error: unknown, region: string, root: string): unknown {
  if (error instanceof MeridianError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOSPC') {
    return new MeridianError('ACTION_FAILED', `${region}: the disk of target ${root} is full (${message}); free space there or lower keep`, { cause: error });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new MeridianError('ACTION_FAILED', `${region}: target ${root} cannot be written (${message}); give this user write access to it`, { cause: error });
  }
  return new MeridianError('ACTION_FAILED', `${region}: target ${root}: ${message}`, { cause: error });
}
