import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { LEDGER_EXPORTS } from '../definition/helpers.js';

describe('meridian plan and schema', () => {
  it('plan --json prints the expanded pipeline in its documented shape (docs/windows.md)', async () => {
    const result = await runCli(['plan', '-f', 'examples/service-x/meridian.yaml', '--at', '2026-11-27T10:00:00Z', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      pipeline: string;
      at: string;
      stages: Array<{ name: string; window: unknown; waves: Array<{ runOrder: number; actions: unknown[] }> }>;
      regions: unknown[];
    };
    expect(plan.pipeline).toBe('service-x');
    expect(plan.at).toBe('2026-11-27T10:00:00.000Z');
    expect(plan.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Deploy']);
    const deploy = plan.stages[2]!;
    expect(deploy.window).toBeNull(); // its actions deploy to three regions, each in its own window
    expect(deploy.waves.map((w) => w.runOrder)).toEqual([1, 2, 3]);
    expect(deploy.waves[0]!.actions).toEqual([
      { name: 'eu-west-1-infrastructure', region: 'eu-west-1', provider: 'Compute/AWS/Commands' },
      { name: 'us-east-1-infrastructure', region: 'us-east-1', provider: 'Compute/AWS/Commands' },
      { name: 'ap-southeast-2-infrastructure', region: 'ap-southeast-2', provider: 'Compute/AWS/Commands' },
    ]);
    // The example deploys disruptive releases Mon-Fri 01:00-05:00 in each region's zone; 2026-11-27 is a Friday.
    expect(plan.regions).toEqual([
      { name: 'eu-west-1', timezone: 'Europe/Dublin', window: { opensAt: '2026-11-30T01:00:00.000Z', closesAt: '2026-11-30T05:00:00.000Z' } },
      { name: 'us-east-1', timezone: 'America/New_York', window: { opensAt: '2026-11-30T06:00:00.000Z', closesAt: '2026-11-30T10:00:00.000Z' } },
      { name: 'ap-southeast-2', timezone: 'Australia/Sydney', window: { opensAt: '2026-11-29T14:00:00.000Z', closesAt: '2026-11-29T18:00:00.000Z' } },
    ]);
  });

  it("plan shows where each artifact lives: its producer region's store, and each store it is replicated into for its consumers", async () => {
    const stateDir = tempDir();
    const cwd = path.dirname(stateDir);
    const file = `${REPO_ROOT}test/fixtures/definitions/three-regions.meridian.yaml`;
    const json = await runCli(['plan', '-f', file, '--at', '2026-11-27T10:00:00Z', '--state-dir', stateDir, '--json'], { cwd });
    expect(json.stderr).toBe('');
    const plan = JSON.parse(json.stdout) as { artifacts: unknown[] };
    // eu-west-1 keeps its artifacts in S3; the others in folders under the state dir.
    const eu = 's3://ledger-artifacts-europe';
    const us = path.join(stateDir, 'stores', 'us-east-1');
    const ap = path.join(stateDir, 'stores', 'ap-southeast-2');
    expect(plan.artifacts).toEqual([
      {
        name: 'code',
        producedBy: 'Source/code',
        region: 'eu-west-1',
        store: eu,
        readIn: [
          { region: 'eu-west-1', store: eu, replicated: false, actions: ['Build/package', 'Deploy/eu-west-1-stack'] },
          { region: 'us-east-1', store: us, replicated: true, actions: ['Deploy/us-east-1-stack'] },
          { region: 'ap-southeast-2', store: ap, replicated: true, actions: ['Deploy/ap-southeast-2-stack'] },
        ],
      },
      {
        name: 'bundle',
        producedBy: 'Build/package',
        region: 'eu-west-1',
        store: eu,
        readIn: [
          { region: 'eu-west-1', store: eu, replicated: false, actions: ['Deploy/eu-west-1-plan'] },
          { region: 'us-east-1', store: us, replicated: true, actions: ['Deploy/us-east-1-plan'] },
          { region: 'ap-southeast-2', store: ap, replicated: true, actions: ['Deploy/ap-southeast-2-plan'] },
        ],
      },
    ]);

    const text = await runCli(['plan', '-f', file, '--at', '2026-11-27T10:00:00Z', '--state-dir', stateDir], { cwd });
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    const bundle = lines.findIndex((line) => line.startsWith('  bundle  from Build/package'));
    expect(bundle).toBeGreaterThan(0);
    const local = (region: string) => path.join(path.basename(stateDir), 'stores', region);
    expect(lines.slice(bundle + 1, bundle + 5).map((line) => line.split(/\s+/).filter((word) => word !== ''))).toEqual([
      ['written', 'eu-west-1', eu],
      ['read', 'eu-west-1', eu, 'for', 'Deploy/eu-west-1-plan'],
      ['replicated', 'us-east-1', local('us-east-1'), 'for', 'Deploy/us-east-1-plan'],
      ['replicated', 'ap-southeast-2', local('ap-southeast-2'), 'for', 'Deploy/ap-southeast-2-plan'],
    ]);
  });

  it('plan of a CodePipeline template keeps each ArtifactStores bucket as a folder per region', async () => {
    const stateDir = tempDir();
    const file = `${REPO_ROOT}test/fixtures/definitions/three-regions.template.yaml`;
    for (const [name, value] of Object.entries(LEDGER_EXPORTS)) expect((await runCli(['exports', 'set', name, value, '--state-dir', stateDir])).code).toBe(0);
    const result = await runCli(['plan', '-f', file, '--at', '2026-11-27T10:00:00Z', '--state-dir', stateDir, '--json']);
    expect(result.stderr).toBe('');
    const plan = JSON.parse(result.stdout) as {
      artifacts: Array<{ name: string; region: string; store: string; readIn: Array<{ region: string; store: string; replicated: boolean }> }>;
    };
    expect(plan.artifacts.length).toBeGreaterThan(0);
    for (const artifact of plan.artifacts) {
      expect(artifact.store).toBe(path.join(stateDir, 'stores', artifact.region));
      for (const reader of artifact.readIn) {
        expect(reader.store).toBe(path.join(stateDir, 'stores', reader.region));
        expect(reader.replicated).toBe(reader.region !== artifact.region);
      }
    }
    expect(plan.artifacts.flatMap((a) => a.readIn.filter((r) => r.replicated).map((r) => r.region))).toEqual(
      expect.arrayContaining(['us-east-1', 'ap-southeast-2']),
    );
  });

  it('plan refuses an instant that is not ISO 8601', async () => {
    const result = await runCli(['plan', '-f', 'examples/service-x/meridian.yaml', '--at', 'tomorrow']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--at tomorrow');
  });

  it('schema prints a JSON Schema for meridian.yaml that editors can use', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { type: string; properties: Record<string, unknown> };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['pipeline', 'regions', 'sources', 'stages']));
    // The copy shipped for editors is the one the validator would generate: run `npm run schema` after changing it.
    expect(fs.readFileSync(`${REPO_ROOT}schema/meridian.schema.json`, 'utf8')).toBe(result.stdout);
  });
});
