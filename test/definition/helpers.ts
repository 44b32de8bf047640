import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, onTestFinished } from 'vitest';
import { loadDefinition, type LoadOptions } from '../../src/definition/load-definition.js';
import { MeridianError, type Problem } from '../../src/domain/errors.js';
import type { Pipeline } from '../../src/domain/pipeline.js';

/** Absolute path of a fixture under test/fixtures/definitions. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/definitions/${name}`, import.meta.url));
}

/** Writes `text` to a fresh temp folder, removed when the test finishes; returns the file's path. */
export async function tempDefinition(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'meridian-definition-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  await writeFile(file, text, 'utf8');
  return file;
}

/** Exports the seed-shaped fixtures import with `!ImportValue`. */
export const LEDGER_EXPORTS = {
  LedgerBuildRole: 'arn:aws:iam::111122223333:role/ledger-build',
  LedgerPipelineRole: 'arn:aws:iam::111122223333:role/ledger-pipeline',
  LedgerGitHubToken: 'github-token',
  LedgerDeployRole: 'arn:aws:iam::111122223333:role/ledger-deploy',
  LedgerWebhookSecret: 'webhook-secret',
};

/** The problems loading `file` reports; fails the test when it loads. */
export async function problemsOf(file: string, options: LoadOptions = {}): Promise<Problem[]> {
  try {
    await loadDefinition(file, options);
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(MeridianError);
    const error = thrown as MeridianError;
    expect(error.code).toBe('DEFINITION_INVALID');
    return error.problems;
  }
  throw new Error(`${file} loaded without problems`);
}

/** The one problem at line:col of `file`; fails when there is none. */
export function problemAt(problems: Problem[], file: string, line: number, col: number): Problem {
  const found = problems.filter((p) => p.location.file === file && p.location.line === line && p.location.col === col);
  expect(found, `problems at ${line}:${col} among\n${problems.map((p) => `${p.location.line}:${p.location.col} ${p.message}`).join('\n')}`).toHaveLength(1);
  return found[0]!;
}

/** Names, regions, runOrders and types of every action, stage by stage: what formats must agree on. */
export function shape(pipeline: Pipeline): Array<{ stage: string; actions: string[] }> {
  return pipeline.stages.map((stage) => ({
    stage: stage.name,
    actions: stage.actions.map(
      (a) =>
        `${a.name}@${a.region}#${a.runOrder} ${a.type.category}/${a.type.owner}/${a.type.provider} in:${a.inputArtifacts.join(',')} out:${a.outputArtifacts.join(',')}`,
    ),
  }));
}
