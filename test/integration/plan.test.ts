import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

describe('meridian plan and schema', () => {
  it('plan --json prints the expanded pipeline in the shape DESIGN.md fixes', async () => {
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
