/**
 * UPLOAD_ARTIFACTS: copies what a buildspec's `artifacts` (or one of its
 * `secondary-artifacts`) names from the source folder into an output artifact folder, with
 * CodeBuild's rules [CB-SPEC]: `files` globs (`**\/*` everything, `dir/*` direct children,
 * `dir/**\/*` everything under dir) relative to `base-directory`, whose matched folders are
 * not included themselves (a glob may match several); `exclude-paths` relative to it;
 * `discard-paths` flattens (two files with one name is an error); `enable-symlinks` keeps
 * symbolic links as links instead of copying what they point at. Matching nothing fails
 * the build with CodeBuild's "no matching artifact paths found".
 */
import { copyFile, lstat, mkdir, readlink, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { glob } from 'tinyglobby';
import { formatProblem } from '../../domain/errors.js';
import type { SourceLocation } from '../../domain/pipeline.js';
import type { ArtifactSpec } from './buildspec.js';
import { PhaseError } from './build-log.js';

const PARALLEL_COPIES = 32;

/** Returns how many files were copied. */
export async function copyArtifact(spec: ArtifactSpec, sourceDir: string, toDir: string, what: string): Promise<number> {
  for (const { pattern, at } of [...spec.files, ...(spec.baseDirectory ? [spec.baseDirectory] : [])]) checkInside(pattern, at);
  const bases = await baseDirectories(spec, sourceDir);
  const copies = new Map<string, string>();
  for (const base of bases) {
    const root = join(sourceDir, base);
    for (const file of await matchFiles(spec, root)) {
      const target = spec.discardPaths ? basename(file) : file;
      const from = join(root, file);
      const earlier = copies.get(target);
      if (earlier !== undefined && earlier !== from) {
        throw new PhaseError(
          'CLIENT_ERROR',
          `${what}: ${relative(sourceDir, earlier)} and ${relative(sourceDir, from)} would both be ${target} in the artifact${spec.discardPaths ? ' (discard-paths: yes)' : ''}; rename one, narrow files, or set discard-paths: no`,
        );
      }
      copies.set(target, from);
    }
  }
  if (copies.size === 0) {
    const where = spec.files[0]?.at;
    const patterns = spec.files.map((file) => file.pattern).join(', ');
    const text = `no matching artifact paths found for ${what} (files: ${patterns}${spec.baseDirectory ? `, base-directory: ${spec.baseDirectory.pattern}` : ''})`;
    throw new PhaseError(
      'CLIENT_ERROR',
      where ? formatProblem({ location: where, message: text, hint: 'check that the build writes these files' }).replace('\n  ', '; ') : text,
    );
  }
  const entries = [...copies];
  const folders = new Set(entries.map(([target]) => dirname(join(toDir, target))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  for (let start = 0; start < entries.length; start += PARALLEL_COPIES) {
    await Promise.all(entries.slice(start, start + PARALLEL_COPIES).map(([target, from]) => copyOne(from, join(toDir, target), spec.enableSymlinks)));
  }
  return entries.length;
}

/** Patterns must stay inside the source folder. */
function checkInside(pattern: string, at: SourceLocation): void {
  if (pattern.startsWith('/') || pattern.split('/').includes('..')) {
    throw new PhaseError(
      'CLIENT_ERROR',
      formatProblem({
        location: at,
        message: `artifact path ${pattern} is outside the source folder (CODEBUILD_SRC_DIR)`,
        hint: 'write it relative to the source folder, without .., e.g. dist/**/*',
      }).replace('\n  ', '; '),
    );
  }
}

async function baseDirectories(spec: ArtifactSpec, sourceDir: string): Promise<string[]> {
  if (!spec.baseDirectory) return [''];
  const pattern = spec.baseDirectory.pattern.replace(/\/+$/, '');
  const found = await glob([pattern], { cwd: sourceDir, onlyDirectories: true, dot: true, expandDirectories: false });
  return found.map((dir) => dir.replace(/\/+$/, '')).sort();
}

async function matchFiles(spec: ArtifactSpec, root: string): Promise<string[]> {
  const patterns = spec.files.map((file) => file.pattern);
  const options = { cwd: root, dot: true, ignore: spec.excludePaths, expandDirectories: false };
  if (!spec.enableSymlinks) return (await glob(patterns, { ...options, onlyFiles: true })).sort();
  // Links are kept as links: a link to a folder is one entry, and nothing is taken through it.
  const entries = await glob(patterns, { ...options, onlyFiles: false });
  const links = new Set<string>();
  const files: string[] = [];
  for (const entry of entries.map((path) => path.replace(/\/+$/, '')).sort()) {
    const parts = entry.split('/');
    if (parts.some((_, i) => i > 0 && links.has(parts.slice(0, i).join('/')))) continue;
    const stats = await lstat(join(root, entry));
    if (stats.isSymbolicLink()) links.add(entry);
    if (stats.isFile() || stats.isSymbolicLink()) files.push(entry);
  }
  return files.sort();
}

async function copyOne(from: string, to: string, keepLinks: boolean): Promise<void> {
  if (keepLinks && (await lstat(from)).isSymbolicLink()) {
    await symlink(await readlink(from), to);
    return;
  }
  await copyFile(from, to);
}

function relative(root: string, path: string): string {
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}
