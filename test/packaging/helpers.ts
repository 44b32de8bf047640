import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { intrinsicTags } from '../../src/lib/yaml/intrinsic-tags.js';
import { unzipTo } from '../../src/stores/artifacts/zip.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/packaging/', import.meta.url));

/** A fresh copy of a fixture project: the CLI zips whole folders, so tests never package the repo's own files. */
export function copyFixture(name: string): string {
  const dir = path.join(tempDir('meridian-package-'), name);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** `meridian package` run as a user runs it, with no execution stores from the test's own environment. */
export function meridianPackage(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return runCli(['package', ...args], { ...options, env: { MERIDIAN_ARTIFACT_STORES: '', MERIDIAN_STATE_DIR: '', ...options.env } });
}

export function ok(result: CliResult): CliResult {
  if (result.code !== 0) throw new Error(`meridian package exited ${String(result.code)}:\n${result.stderr}`);
  return result;
}

/** The template as data; short-form tags are read and dropped (tests check them on the text). */
export function readTemplate(text: string): { Resources: Record<string, { Properties: Record<string, unknown> }> } & Record<string, unknown> {
  return parse(text, { customTags: intrinsicTags }) as { Resources: Record<string, { Properties: Record<string, unknown> }> };
}

export function md5(file: string): string {
  return createHash('md5').update(fs.readFileSync(file)).digest('hex');
}

/** Every object in a store, as keys relative to `objects/`. */
export function objectKeys(store: string): string[] {
  const root = path.join(store, 'objects');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

export function objectFile(store: string, key: string): string {
  return path.join(store, 'objects', ...key.split('/'));
}

/** The files inside a stored zip, relative and sorted, with their contents. */
export async function unzipped(zip: string): Promise<Record<string, string>> {
  const dir = tempDir('meridian-unzip-');
  await unzipTo(zip, dir);
  const names = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
  return Object.fromEntries(names.map((name) => [name, fs.readFileSync(path.join(dir, ...name.split('/')), 'utf8')]));
}

/** The key an `s3://bucket/key` URL names, checking the bucket. */
export function keyOfUrl(url: unknown, bucket: string): string {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(String(url));
  if (!match || match[1] !== bucket) throw new Error(`expected s3://${bucket}/<key>, got ${String(url)}`);
  return match[2] ?? '';
}
