import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

function pipeline(dir: string, body: string, name = 'meridian.yaml'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

/** Every bad-input failure: exit 2, a short message naming the thing and the fix, no stack trace. */
function expectBadInput(result: { code: number | null; stderr: string }, ...fragments: Array<string | RegExp>): void {
  expect(result.code).toBe(2);
  for (const fragment of fragments) expect(result.stderr).toMatch(fragment);
  expect(result.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
}

describe('bad input', () => {
  it('malformed YAML is reported at its line and column', async () => {
    const dir = tempDir();
    const file = pipeline(dir, 'pipeline: broken\nstages:\n  - name: Build\n     actions: []\n');
    const result = await runCli(['validate', '-f', file]);
    // The yaml parser places the error where the broken mapping starts: the `name:` line's value.
    expectBadInput(result, /meridian\.yaml:3:\d+: YAML syntax error/, /indented deeper/);
  });

  it('an unknown action type lists the known ones', async () => {
    const dir = tempDir();
    const file = pipeline(
      dir,
      `pipeline: unknown-type
sources:
  src: { git: ., branch: main }
stages:
  - name: Build
    actions:
      - name: build
        uses: Build/AWS/Jenkinz
        inputs: [src]
`,
    );
    const result = await runCli(['validate', '-f', file]);
    expectBadInput(result, /meridian\.yaml:8:\d+: .*Build\/AWS\/Jenkinz/, /Compute\/AWS\/Commands/);
  });

  it('an unknown key gets a "did you mean"', async () => {
    const dir = tempDir();
    const file = pipeline(dir, `pipeline: typo\nsources:\n  src: { git: ., branch: main }\nstags:\n  - name: Build\n    actions: []\n`);
    const result = await runCli(['validate', '-f', file]);
    expectBadInput(result, /meridian\.yaml:4:1: /, /stages/);
  });

  it('a source path that is not a git repository, and a missing branch', async () => {
    const dir = tempDir();
    const file = pipeline(
      dir,
      `pipeline: sourced
sources:
  src: { git: ., branch: main }
stages:
  - name: Build
    actions:
      - { name: build, uses: commands, inputs: [src], commands: ["true"] }
`,
    );
    const notRepo = await runCli(['run', '-f', file, '--source', `src=${dir}`, '--state-dir', path.join(dir, 'state')]);
    expectBadInput(notRepo, /is not a git repository/, /git init/);
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const noBranch = await runCli(['run', '-f', file, '--source', `src=${repo}#release`, '--state-dir', path.join(dir, 'state')]);
    expectBadInput(noBranch, /has no branch release/, /its branches: main/);
    const noSource = await runCli(['run', '-f', file, '--source', `app=${repo}`, '--state-dir', path.join(dir, 'state')]);
    expectBadInput(noSource, /no source action or source artifact named app/, /src/);
  });

  it('a missing SSM parameter fails the execution before any action runs, naming the fix', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dir = tempDir();
    const file = pipeline(
      dir,
      `pipeline: needs-param
parameters:
  Bucket: { ssm: /service/bucket }
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - { name: build, uses: commands, inputs: [src], commands: ["echo #{parameters.Bucket}"] }
`,
    );
    const result = await runCli(['run', '-f', file, '--state-dir', path.join(dir, 'state'), '--json']);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as ExecutionSummary;
    expect(summary.status).toBe('Failed');
    expect(summary.stages.flatMap((s) => s.actions).every((a) => a.status === 'Skipped')).toBe(true);
    const shown = await runCli(['show', summary.executionId, '--events', '--state-dir', path.join(dir, 'state')]);
    expect(shown.stdout).toContain('meridian params put /service/bucket VALUE');
  });

  it('an unreadable state dir is bad input', async () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'not-a-dir');
    fs.writeFileSync(blocker, 'a file where the state dir should be');
    const result = await runCli(['executions', '--state-dir', blocker]);
    expectBadInput(result, /state dir/, /--state-dir/);
  });

  it('an execution id that does not exist', async () => {
    const dir = tempDir();
    const result = await runCli(['show', 'no-such-execution', '--state-dir', path.join(dir, 'state')]);
    expectBadInput(result, /execution no-such-execution does not exist/, /meridian executions/);
  });

  it('the seed-shaped template: the YAML error at its line, and the missing parameter name suggested', async () => {
    const dir = tempDir();
    const file = pipeline(
      dir,
      `Description: three buckets, the first one lost its name
Parameters:
  Type: AWS::SSM::Parameter::Value<String>
    Default: /Stores/EU/Bucket

  NaBucket:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /Stores/NA/Bucket
Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      ArtifactStore: { Type: S3, Location: !Ref EuropeBucket }
      Stages: []
`,
      'template.yaml',
    );
    const result = await runCli(['validate', '-f', file]);
    // Line 3 holds `Type:` where the parameter's name should be (line 4 of the seed, which starts with a blank line).
    expectBadInput(result, /template\.yaml:3:\d+: YAML syntax error/, /did you mean `EuropeBucket:` above `Type:`/);
  });
});
