/**
 * A rollout whose second wave fails its health check rolls back, with the release provider on
 * real folders and real processes: the failing region and, with `rollback: all-previous`, the
 * first wave go back to the release of the last good execution, in an execution of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commit, makeRepo } from '../helpers/git-repo.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const REGIONS = ['ap-southeast-2', 'eu-west-1', 'us-east-1'];

const definition = (repo: string, stateDir: string): string => `pipeline: rollout
regions:
  ap-southeast-2: { timezone: Australia/Sydney }
  eu-west-1:      { timezone: Europe/Dublin }
  us-east-1:      { timezone: America/New_York }
sources:
  src: { git: ${repo} }
stages:
  - name: Deploy
    forEach: region
    actions:
      - name: \${region}-release
        uses: release
        inputs: [src]
        with: { target: "deploy/\${region}", mode: deploy }
rollout:
  waves: [[ap-southeast-2], [eu-west-1, us-east-1]]
  bake: 1s
  checks: [{ command: "test -f ${stateDir}/deploy/\${region}/current/ok-\${region}" }]
  rollback: all-previous
`;

interface Listed {
  executionId: string;
  status: string;
}

const current = (stateDir: string, region: string): string =>
  path.basename(fs.readlinkSync(path.join(stateDir, 'deploy', region, 'current')).replace(/\/+$/, ''));

describe('rollout rollback', () => {
  it('a failed health check in the second wave rolls the region and the first wave back to the previous release', async () => {
    const dir = tempDir();
    const stateDir = path.join(dir, 'state');
    const repo = makeRepo({ 'ok-ap-southeast-2': '', 'ok-eu-west-1': '', 'ok-us-east-1': '', VERSION: '1' });
    writeFiles(dir, { 'meridian.yaml': definition(repo, stateDir) });
    const file = path.join(dir, 'meridian.yaml');

    const first = await runCli(['run', '-f', file, '--state-dir', stateDir, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const good = (JSON.parse(first.stdout) as { executionId: string }).executionId;
    for (const region of REGIONS) expect(current(stateDir, region)).toBe(good);

    // The next release breaks us-east-1 (its check file is gone): found in the second wave's bake.
    fs.rmSync(path.join(repo, 'ok-us-east-1'));
    commit(repo, { VERSION: '2' }, 'Release 2');
    const second = await runCli(['run', '-f', file, '--state-dir', stateDir, '--json']);
    expect(second.code).toBe(1);
    const bad = (JSON.parse(second.stdout) as { executionId: string; status: string }).executionId;

    const shown = await runCli(['show', bad, '--events', '--state-dir', stateDir]);
    expect(shown.stdout).toContain('Wave 1 health checks passed');
    expect(shown.stdout).toMatch(/Wave 2 health checks failed: .*ok-us-east-1 \(us-east-1\) failed: exited 1/);
    expect(shown.stdout).toContain('rolling back ap-southeast-2, eu-west-1, us-east-1 (rollback: all-previous)');
    expect(shown.stdout).toContain(`ap-southeast-2 back to release ${good}, eu-west-1 back to release ${good}, us-east-1 back to release ${good}`);

    const listed = JSON.parse((await runCli(['executions', '--json', '--state-dir', stateDir])).stdout) as Listed[];
    expect(listed.map((e) => e.status)).toEqual(['Succeeded', 'Failed', 'Succeeded']);
    const rollback = listed[0]!.executionId;
    const summary = JSON.parse((await runCli(['show', rollback, '--json', '--state-dir', stateDir])).stdout) as {
      trigger: { type: string };
      stages: Array<{ name: string; actions: Array<{ name: string; status: string; outputVariables: Record<string, string> }> }>;
    };
    expect(summary.trigger.type).toBe('rollback');
    expect(summary.stages[0]?.actions.map((a) => [a.name, a.status, a.outputVariables.ReleaseId])).toEqual(
      REGIONS.map((r) => [`${r}-release`, 'Succeeded', good]),
    );
    for (const region of REGIONS) expect(current(stateDir, region)).toBe(good);
    expect(fs.existsSync(path.join(stateDir, 'deploy', 'us-east-1', 'releases', bad))).toBe(true);
  });
});
