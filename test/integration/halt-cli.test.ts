/**
 * Emergency halts without a server: `meridian halt --state-dir D` while another process runs a
 * pipeline with `meridian run --state-dir D`. The halted region's deploy step holds (the run
 * prints why) while the other region deploys; `meridian unhalt` from a third process lets the
 * run finish, the lift recorded in the execution's events. Locally no pipeline is loaded, so a
 * region no recent execution deploys to is halted with a warning.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, finished, runCli, startCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const definition = (repo: string): string => `pipeline: shop
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
sources:
  src: { git: ${repo} }
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, inputs: [src], commands: ["echo deployed \${region}"] }
`;

const children: Array<ReturnType<typeof startCli>> = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('meridian halt and unhalt on a state dir', () => {
  it('holds the halted region of a running `meridian run` until `meridian unhalt`', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'shop.yaml': definition(makeRepo({ 'README.md': 'shop' })) });
    const stateDir = path.join(dir, 'state');

    const halted = await runCli(['halt', '--state-dir', stateDir, '--region', 'us-east-1', '--reason', 'us database failing over', '--by', 'alice']);
    expect(halted.code, halted.stderr).toBe(0);
    expect(halted.stdout).toContain('Deploys to us-east-1 halted by alice at ');
    expect(halted.stderr).toBe('');
    const refused = await runCli(['halt', '--state-dir', stateDir, '--region', 'us-east-1', '--reason', 'me too', '--by', 'bob']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('deploys to us-east-1 are already halted by alice at ');
    expect((await runCli(['halt', '--state-dir', stateDir, '--region', 'us-east-1'])).code).toBe(2);

    const run = startCli(['run', '-f', path.join(dir, 'shop.yaml'), '--state-dir', stateDir]);
    children.push(run);
    const done = finished(run);
    await eventually(
      () =>
        run.output.stdout.includes('us-east-1-deploy (us-east-1) is halted: deploys to us-east-1 halted by alice') &&
        run.output.stdout.includes('eu-west-1-deploy (eu-west-1) succeeded'),
      30_000,
      'us-east-1 to hold while eu-west-1 deploys',
    );
    expect(run.output.stdout).toContain('lift with `meridian unhalt --region us-east-1`');
    // Held, not failed: the run goes on waiting.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(run.exitCode).toBeNull();

    const listed = await runCli(['halts', '--json', '--state-dir', stateDir]);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ region: 'us-east-1', by: 'alice', reason: 'us database failing over', lifted: null }),
    ]);

    const lifted = await runCli(['unhalt', '--state-dir', stateDir, '--region', 'us-east-1', '--reason', 'failover done', '--by', 'bob']);
    expect(lifted.code, lifted.stderr).toBe(0);
    expect(lifted.stdout).toContain('lifted by bob at ');
    expect(lifted.stdout).toContain('recorded in 1 execution in progress');
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('us-east-1-deploy (us-east-1) succeeded');

    const executions = JSON.parse((await runCli(['executions', '--json', '--state-dir', stateDir])).stdout) as Array<{ executionId: string }>;
    const shown = JSON.parse((await runCli(['show', executions[0]!.executionId, '--events', '--json', '--state-dir', stateDir])).stdout) as {
      events: Array<{ type: string; data: Record<string, unknown> | null }>;
    };
    expect(shown.events.filter((e) => e.type === 'halt-lifted').map((e) => e.data)).toEqual([
      expect.objectContaining({ region: 'us-east-1', by: 'bob', reason: 'failover done', actions: ['us-east-1-deploy'] }),
    ]);

    // The state dir now knows which regions its executions deploy to: a misspelt one is halted, with a warning.
    const typo = await runCli(['halt', '--state-dir', stateDir, '--region', 'us-east1', '--reason', 'typo']);
    expect(typo.code, typo.stderr).toBe(0);
    expect(typo.stderr).toContain('no recent execution in this state dir deploys to us-east1 (regions seen: eu-west-1, us-east-1)');
    const nothing = await runCli(['unhalt', '--state-dir', stateDir, '--reason', 'nothing halted everywhere']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('active halts: us-east1 (by ');
    const history = await runCli(['halts', '--all', '--state-dir', stateDir]);
    expect(
      history.stdout
        .split('\n')
        .slice(1, 3)
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual(['us-east1', 'us-east-1']);
    expect(history.stdout).toContain('lifted by bob at ');
  });
});
