/**
 * Runs the CodeBuild provider on a real source folder (files written to a temp dir, with
 * the buildspec as `buildspec.yml`) through a real ActionContext from ../context.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { MeridianError } from '../../../src/domain/errors.js';
import type { ActionResult } from '../../../src/providers/provider.js';
import { codeBuildProvider } from '../../../src/providers/codebuild/index.js';
import { makeTempDir, makeTestContext, type TestContext, type TestContextOptions } from '../context.js';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/buildspecs');

export async function writeTree(files: Record<string, string>, dir?: string): Promise<string> {
  const root = dir ?? (await makeTempDir('meridian-src-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

export interface BuildRun {
  test: TestContext;
  result?: ActionResult;
  error?: MeridianError;
  log: string;
}

export interface BuildOptions extends Partial<TestContextOptions> {
  /** Files of the primary source besides buildspec.yml. */
  files?: Record<string, string>;
  /** Changes to the context before the build runs. */
  prepare?: (test: TestContext) => void | Promise<void>;
}

/** Runs `buildspec` (written as buildspec.yml in the primary input `src`); never throws. */
export async function runBuildspec(buildspec: string | undefined, options: BuildOptions = {}): Promise<BuildRun> {
  const { files, prepare, ...rest } = options;
  const src = await writeTree({ ...(buildspec === undefined ? {} : { 'buildspec.yml': buildspec }), ...files });
  const test = await makeTestContext({ type: 'Build/AWS/CodeBuild', inputs: { src }, ...rest });
  await prepare?.(test);
  try {
    const result = await codeBuildProvider.run(test.ctx);
    return { test, result, log: test.log() };
  } catch (thrown) {
    if (!(thrown instanceof MeridianError)) throw thrown;
    return { test, error: thrown, log: test.log() };
  }
}

export function succeeded(run: BuildRun): ActionResult {
  expect(run.error, run.log).toBeUndefined();
  return run.result!;
}

export function failed(run: BuildRun): MeridianError {
  expect(run.error, run.log).toBeInstanceOf(MeridianError);
  expect(run.error!.code).toBe('ACTION_FAILED');
  return run.error!;
}

/** The command output lines of a log, without the [Container] lines. */
export function output(log: string): string[] {
  return log.split('\n').filter((line) => line !== '' && !line.startsWith('[Container]'));
}
