/** Artifacts and contexts for the release provider tests: real folders, real files. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigValue } from '../../../src/domain/pipeline.js';
import { makeTempDir, makeTestContext, type TestContext } from '../context.js';

export const RELEASE_TYPE = 'Deploy/Meridian/Release';

/** A built artifact holding `index.html` with `version`, plus whatever else is given. */
export async function makeArtifact(version: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await makeTempDir('meridian-artifact-');
  await writeFile(join(dir, 'index.html'), version);
  const entries = Object.entries(files);
  await Promise.all([...new Set(entries.map(([path]) => join(dir, path, '..')))].map((folder) => mkdir(folder, { recursive: true })));
  await Promise.all(entries.map(([path, text]) => writeFile(join(dir, path), text)));
  return dir;
}

export async function releaseContext(configuration: Record<string, ConfigValue>, artifact: string | undefined, executionId = 'exec-1'): Promise<TestContext> {
  const test = await makeTestContext({
    type: RELEASE_TYPE,
    region: 'eu-west-1',
    configuration,
    inputs: artifact === undefined ? {} : { BuildOutput: artifact },
  });
  test.ctx.executionId = executionId;
  return test;
}
