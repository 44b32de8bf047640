/**
 * The browser tests need the dashboard built (dist/web, made by `npm install` and
 * `npm run build`). When web/ changed since the last build, this rebuilds it first; test
 * files run in parallel, so one builds while the others wait on a lock folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './cli.js';

const INDEX = path.join(REPO_ROOT, 'dist', 'web', 'index.html');
const LOCK = path.join(REPO_ROOT, 'dist', '.web-build.lock');
const STALE_LOCK_MS = 120_000;

export async function ensureWebBuilt(): Promise<void> {
  for (;;) {
    if (isFresh()) return;
    if (takeLock()) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    if (!isFresh()) execFileSync(process.execPath, ['scripts/build-web.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function isFresh(): boolean {
  if (!existsSync(INDEX)) return false;
  const built = statSync(INDEX).mtimeMs;
  const sources = [...walk(path.join(REPO_ROOT, 'web')), path.join(REPO_ROOT, 'scripts', 'build-web.mjs')];
  return sources.every((file) => statSync(file).mtimeMs <= built);
}

function takeLock(): boolean {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}
