import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

/** A pipeline whose actions append their name to a shared file, so tests can see what ran and when. */
function pipelineFile(dir: string, body: string): string {
  const file = path.join(dir, 'meridian.yaml');
  fs.writeFileSync(file, body);
  return file;
}

function summaryOf(stdout: string): ExecutionSummary {
  return JSON.parse(stdout) as ExecutionSummary;
}

function action(summary: ExecutionSummary, name: string) {
  const found = summary.stages.flatMap((s) => s.actions).find((a) => a.name === name);
  if (!found) throw new Error(`no action ${name} in summary`);
  return found;
}

describe('meridian run', () => {
  it('runs same-runOrder actions together and later runOrders after them', async () => {
    const repo = makeRepo({ 'README.md': 'hello\n' });
    const dir = tempDir();
    const file = pipelineFile(
      dir,
      `pipeline: overlap
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Deploy
    forEach: region
    actions:
      - name: \${region}-slow
        runOrder: 1
        uses: commands
        inputs: [src]
        commands: ["sleep 1"]
      - name: \${region}-after
        runOrder: 2
        uses: commands
        inputs: [src]
        commands: ["true"]
`,
    );
    const result = await runCli(['run', '-f', file, '--state-dir', path.join(dir, 'state'), '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = summaryOf(result.stdout);
    expect(summary.status).toBe('Succeeded');
    const eu = action(summary, 'eu-west-1-slow');
    const us = action(summary, 'us-east-1-slow');
    expect(eu.region).toBe('eu-west-1');
    expect(us.region).toBe('us-east-1');
    // Overlap: each started before the other ended.
    expect(Date.parse(eu.startedAt!)).toBeLessThan(Date.parse(us.endedAt!));
    expect(Date.parse(us.startedAt!)).toBeLessThan(Date.parse(eu.endedAt!));
    const after = action(summary, 'eu-west-1-after');
    expect(Date.parse(after.startedAt!)).toBeGreaterThanOrEqual(Math.max(Date.parse(eu.endedAt!), Date.parse(us.endedAt!)));
    expect(summary.stages.map((s) => s.status)).toEqual(['Succeeded', 'Succeeded']);
  });

  it('after a failure lets running actions finish, starts nothing later, and names the failing action', async () => {
    const repo = makeRepo({ 'README.md': 'hello\n' });
    const dir = tempDir();
    const marks = path.join(dir, 'marks');
    const file = pipelineFile(
      dir,
      `pipeline: failing
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - name: broken
        uses: commands
        inputs: [src]
        commands: ["echo about to fail", "exit 3", "echo never >> ${marks}"]
      - name: sibling
        uses: commands
        inputs: [src]
        commands: ["sleep 1", "echo sibling >> ${marks}"]
      - name: later
        runOrder: 2
        uses: commands
        inputs: [src]
        commands: ["echo later >> ${marks}"]
  - name: Deploy
    actions:
      - name: deploy
        uses: commands
        inputs: [src]
        commands: ["echo deploy >> ${marks}"]
`,
    );
    const result = await runCli(['run', '-f', file, '--state-dir', path.join(dir, 'state'), '--json']);
    expect(result.code).toBe(1);
    const summary = summaryOf(result.stdout);
    expect(summary.status).toBe('Failed');
    expect(fs.readFileSync(marks, 'utf8')).toBe('sibling\n');
    expect(action(summary, 'broken').status).toBe('Failed');
    expect(action(summary, 'broken').error?.message).toMatch(/exit 3|exit code 3|status 3/);
    expect(action(summary, 'sibling').status).toBe('Succeeded');
    expect(action(summary, 'later')).toMatchObject({ status: 'Skipped', startedAt: null, attempts: 0 });
    expect(action(summary, 'deploy')).toMatchObject({ status: 'Skipped', startedAt: null });
    expect(summary.stages.map((s) => s.status)).toEqual(['Succeeded', 'Failed', 'Skipped']);
  });

  it('passes artifacts by name and variables through namespaces, across regions', async () => {
    const repo = makeRepo({ 'app.txt': 'v1\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const file = pipelineFile(
      dir,
      `pipeline: flow
regions:
  eu-west-1: { timezone: Europe/Dublin }
  ap-southeast-2: { timezone: Australia/Sydney }
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - name: build
        uses: commands
        region: eu-west-1
        namespace: BuildVars
        inputs: [src]
        outputs: [package]
        commands: ["mkdir -p out", "cp app.txt out/app.txt", "export VERSION=1.2.3"]
        outputVariables: [VERSION]
        with: { files: ["out/**"] }
  - name: Deploy
    actions:
      - name: deploy-au
        uses: commands
        region: ap-southeast-2
        inputs: [package]
        commands: ["test \\"$(cat out/app.txt)\\" = v1", "test \\"#{BuildVars.VERSION}\\" = 1.2.3", "test \\"#{codepipeline.PipelineExecutionId}\\" != ''"]
`,
    );
    const result = await runCli(['run', '-f', file, '--state-dir', state, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = summaryOf(result.stdout);
    expect(action(summary, 'build').outputVariables).toEqual({ VERSION: '1.2.3' });
    // The package artifact now sits in both regions' stores, content-addressed.
    const blobs = (region: string): string[] => listFiles(path.join(state, 'stores', region)).filter((f) => f.endsWith('.zip'));
    expect(blobs('ap-southeast-2').length).toBe(1);
    expect(blobs('eu-west-1').length).toBeGreaterThanOrEqual(2);
  });

  it('does not copy an unchanged artifact into a region store again', async () => {
    const repo = makeRepo({ 'app.txt': 'same\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const file = pipelineFile(
      dir,
      `pipeline: replicate
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
home: eu-west-1
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Deploy
    actions:
      - name: deploy-us
        uses: commands
        region: us-east-1
        inputs: [src]
        commands: ["cat app.txt"]
`,
    );
    const first = await runCli(['run', '-f', file, '--state-dir', state, '--json']);
    expect(first.code).toBe(0);
    const firstId = summaryOf(first.stdout).executionId;
    const second = await runCli(['run', '-f', file, '--state-dir', state, '--json']);
    expect(second.code).toBe(0);
    const secondId = summaryOf(second.stdout).executionId;
    const logOf = async (id: string): Promise<string> => (await runCli(['logs', id, 'deploy-us', '--state-dir', state])).stdout;
    expect(await logOf(firstId)).toMatch(/Replicated src .* from eu-west-1 to us-east-1/);
    const again = await logOf(secondId);
    expect(again).toContain('same');
    expect(again).not.toMatch(/Replicated/);
  });

  it('fails an action that runs past its timeout', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dir = tempDir();
    const file = pipelineFile(
      dir,
      `pipeline: slow
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - name: sleepy
        uses: commands
        timeout: 0.02
        inputs: [src]
        commands: ["sleep 30"]
`,
    );
    const started = Date.now();
    const result = await runCli(['run', '-f', file, '--state-dir', path.join(dir, 'state'), '--json']);
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    const sleepy = action(summaryOf(result.stdout), 'sleepy');
    expect(sleepy.status).toBe('Failed');
    expect(sleepy.error?.code).toBe('TIMEOUT');
  });
});

function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}
