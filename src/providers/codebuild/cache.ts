/**
 * The buildspec's `cache: paths`, kept per project and region in a folder of the state
 * dir: restored before INSTALL, saved after a build that succeeded. Each path is cached by
 * its folder (`node_modules/**\/*` caches `node_modules`), copied with `cp -a` itself:
 * restoring is one process per path, as fast as the copy can be. A cache that cannot be
 * read or written is a warning, never a failure. Paths outside the source folder are not
 * cached: the host keeps them between builds already.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { runProcess } from '../child-process.js';

export interface CacheOptions {
  paths: readonly string[];
  sourceDir: string;
  /** The project's folder of the region's cache. */
  cacheDir: string;
  signal: AbortSignal;
  log: (text: string) => void;
}

const GLOB = /[*?[{]/;

export async function restoreCache(options: CacheOptions): Promise<void> {
  for (const root of roots(options)) {
    const cached = entryPath(options.cacheDir, root);
    if (!(await exists(cached))) {
      options.log(`Cache for ${root} is empty: the first successful build fills it`);
      continue;
    }
    const target = join(options.sourceDir, root);
    try {
      await mkdir(dirname(target), { recursive: true });
      const started = performance.now();
      await copy(cached, target, options.signal);
      options.log(`Restored cache for ${root} in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      if (options.signal.aborted) throw error;
      options.log(`Warning: cache for ${root} could not be restored (${reason(error)}); building without it`);
    }
  }
}

export async function saveCache(options: CacheOptions): Promise<void> {
  for (const root of roots(options, false)) {
    const from = join(options.sourceDir, root);
    if (!(await exists(from))) {
      options.log(`Nothing to cache for ${root}: the build did not create it`);
      continue;
    }
    // Copy beside the entry, then swap: a build reading the cache meanwhile sees old or new, never half.
    const temp = join(options.cacheDir, `tmp-${randomUUID()}`);
    try {
      await copy(from, temp, options.signal);
      const entry = entryPath(options.cacheDir, root);
      await mkdir(dirname(entry), { recursive: true });
      await rm(entry, { recursive: true, force: true });
      await rename(temp, entry);
      options.log(`Saved cache for ${root}`);
    } catch (error) {
      if (options.signal.aborted) throw error;
      options.log(`Warning: cache for ${root} could not be saved (${reason(error)})`);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
}

/** The folder (or file) each path caches, relative to the source folder. */
function roots(options: CacheOptions, say = true): string[] {
  const out = new Set<string>();
  for (const path of options.paths) {
    const segments = path.split('/');
    const firstGlob = segments.findIndex((segment) => GLOB.test(segment));
    const fixed = (firstGlob === -1 ? segments : segments.slice(0, firstGlob)).join('/');
    const absolute = isAbsolute(fixed) ? fixed : join(options.sourceDir, fixed);
    const inside = relative(options.sourceDir, absolute);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      if (say)
        options.log(
          `Not caching ${path}: ${inside === '' ? 'it is the whole source folder' : 'it is outside the source folder, and the host keeps it between builds'}`,
        );
      continue;
    }
    out.add(inside.split(sep).join('/'));
  }
  return [...out];
}

function entryPath(cacheDir: string, root: string): string {
  return join(cacheDir, 'paths', encodeURIComponent(root));
}

async function copy(from: string, to: string, signal: AbortSignal): Promise<void> {
  const result = await runProcess('cp', ['-a', '-T', from, to], { signal });
  if (result.exitCode !== 0) throw new Error(result.stderr.trim() || `cp exited with ${result.exitCode}`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
