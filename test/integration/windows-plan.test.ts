/**
 * `meridian plan --json` and the engine agree: the windows plan prints for each region are the
 * instants at which the engine, on a fake clock set to the same `--at`, then starts that
 * region's deploy. Across Dublin's fall-back night (2026-10-25), where `daily 01:00-05:00`
 * opens at the first 01:00 and lasts five real hours.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { Engine } from '../../src/engine/engine.js';
import { openSqlite } from '../../src/stores/state/sqlite/open-sqlite.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { runCli } from '../helpers/cli.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const definition = `pipeline: night
regions:
  eu-west-1:      { timezone: Europe/Dublin }
  us-east-1:      { timezone: America/New_York }
  ap-southeast-2: { timezone: Australia/Sydney }
windows:
  allow: "daily 01:00-05:00"
  deny: [{ when: "2026-10-26", reason: bank holiday }]
sources:
  src: { git: . }
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, commands: ["true"], expectedDuration: 20m }
`;

interface Plan {
  at: string;
  stages: Array<{ name: string; window: { opensAt: string; closesAt: string } | null }>;
  regions: Array<{ name: string; timezone: string; window: { opensAt: string; closesAt: string } | null }>;
  timeline: Array<{ region: string; deploy: { startsAt: string; endsAt: string } | null }>;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('plan --json and the engine', () => {
  it('give the same instants, and the engine starts each region then', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'meridian.yaml': definition });
    const file = path.join(dir, 'meridian.yaml');
    const at = '2026-10-24T12:00:00.000Z';
    const result = await runCli(['plan', '-f', file, '--at', at, '--json', '--state-dir', path.join(dir, 'nothing')]);
    expect(result.stderr).toBe('');
    const plan = JSON.parse(result.stdout) as Plan;
    expect(plan.regions).toEqual([
      { name: 'eu-west-1', timezone: 'Europe/Dublin', window: { opensAt: '2026-10-25T00:00:00.000Z', closesAt: '2026-10-25T05:00:00.000Z' } },
      { name: 'us-east-1', timezone: 'America/New_York', window: { opensAt: '2026-10-25T05:00:00.000Z', closesAt: '2026-10-25T09:00:00.000Z' } },
      { name: 'ap-southeast-2', timezone: 'Australia/Sydney', window: { opensAt: '2026-10-24T14:00:00.000Z', closesAt: '2026-10-24T18:00:00.000Z' } },
    ]);
    expect(plan.stages.map((s) => s.window)).toEqual([null, null]);
    expect(plan.timeline.map((t) => [t.region, t.deploy?.startsAt])).toEqual([
      ['eu-west-1', '2026-10-25T00:00:00.000Z'],
      ['us-east-1', '2026-10-25T05:00:00.000Z'],
      ['ap-southeast-2', '2026-10-24T14:00:00.000Z'],
    ]);

    const clock = fakeClock(at);
    const db = await openSqlite(path.join(dir, 'state'));
    closers.push(() => db.destroy());
    const store = new StateStore(db);
    const engine = new Engine({ store, clock, owner: 'test-host:1:plan' });
    const id = await engine.start(await loadDefinition(file), { type: 'cli' }, { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} });
    const [source] = await store.jobs(db, id, 'queued');
    await engine.completeJob(source!, { status: 'Succeeded' });
    const waiting = (await store.snapshot(db, id)).actions.filter((a) => a.stageIndex === 1);
    expect(Object.fromEntries(waiting.map((a) => [a.region, a.opensAt]))).toEqual(Object.fromEntries(plan.regions.map((r) => [r.name, r.window?.opensAt])));

    for (const region of [...plan.regions].sort((a, b) => (a.window?.opensAt ?? '').localeCompare(b.window?.opensAt ?? ''))) {
      clock.set(region.window!.opensAt);
      clock.advance(-1);
      await engine.advance(id);
      expect((await store.jobs(db, id, 'queued')).length, `${region.name} before its window`).toBe(0);
      clock.advance(1);
      await engine.advance(id);
      const [job] = await store.jobs(db, id, 'queued');
      expect(job?.region).toBe(region.name);
      await engine.completeJob(job!, { status: 'Succeeded' });
    }
    expect((await store.snapshot(db, id)).execution.status).toBe('Succeeded');
  });

  it('a terminal shows the follow-the-night table and the 48-hour chart', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'meridian.yaml': definition });
    const result = await runCli(['plan', '-f', path.join(dir, 'meridian.yaml'), '--at', '2026-10-24T12:00:00Z', '--state-dir', path.join(dir, 'nothing')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Follow the night');
    expect(result.stdout).toMatch(
      /ap-southeast-2 +Sat, 23:00 GMT\+11 +opens 2026-10-24 14:00Z, closes 2026-10-24 18:00Z +2026-10-24 14:00Z - 2026-10-24 14:20Z/,
    );
    // Dublin's night of 2026-10-25 is five hours long: 00:00Z to 05:00Z.
    expect(result.stdout).toMatch(/\n {2}eu-west-1 +·{12}▓████·{19}/);
    // Under the table, each region's lane: its steps in UTC and in local time, under their window.
    expect(result.stdout).toContain(
      [
        '  eu-west-1  Europe/Dublin',
        '    window Sun 25 Oct 00:00Z - 05:00Z  (Sun 01:00 GMT+1 - 05:00 GMT)',
        '      1  Sun 00:00Z - 00:20Z  Sun 01:00 - 01:20 GMT+1  eu-west-1-deploy',
      ].join('\n'),
    );
    expect(result.stdout).toContain('One pass of follow-the-night: Sat 24 Oct 14:00Z → Sun 25 Oct 05:20Z, 15h20m');
    const lanes = result.stdout.slice(result.stdout.indexOf('Stage Deploy, in region lanes'), result.stdout.indexOf('Next 48 hours'));
    expect(Math.max(...lanes.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
  });

  it('a CodePipeline stage with a DeploymentWindow rule gets that window in plan --json', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'template.yaml': `Resources:
  Shop:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      PipelineType: V2
      ArtifactStore: { Type: S3, Location: shop-artifacts }
      Stages:
        - Name: Source
          Actions:
            - Name: app
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: 1 }
              Configuration: { ConnectionArn: 'arn:aws:codestar-connections:eu-west-1:1:connection/1', FullRepositoryId: acme/shop, BranchName: main }
              OutputArtifacts: [{ Name: app }]
        - Name: Deploy
          BeforeEntry:
            Conditions:
              - Result: WAIT
                Rules: [{ Name: night, RuleTypeId: { Category: Rule, Owner: AWS, Provider: DeploymentWindow, Version: 1 }, Configuration: { Cron: "0 0 1-4 ? * MON-FRI *", TimeZone: America/New_York } }]
          Actions: [{ Name: deploy, ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: 1 }, Commands: ["true"], InputArtifacts: [{ Name: app }] }]
`,
    });
    const result = await runCli([
      'plan',
      '-f',
      path.join(dir, 'template.yaml'),
      '--at',
      '2026-11-27T12:00:00Z',
      '--json',
      '--state-dir',
      path.join(dir, 'nothing'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as Plan;
    // Hours 1-4 whole, Mon-Fri in New York (EST, UTC-5): the next is Monday 2026-11-30 01:00-05:00 EST.
    expect(plan.stages.map((s) => s.window)).toEqual([null, { opensAt: '2026-11-30T06:00:00.000Z', closesAt: '2026-11-30T10:00:00.000Z' }]);
  });

  it('validate warns, without failing, about windows that never occur, a bake that cannot fit, and a wave never open together', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'warn.yaml': `pipeline: warn
regions:
  eu-west-1:      { timezone: Europe/Dublin }
  ap-southeast-2: { timezone: Australia/Sydney, windows: { allow: "2025-01-01 to 2025-01-02" } }
  us-east-1:      { timezone: America/New_York }
windows:
  allow: "Mon-Fri 01:00-02:00"
sources:
  src: { git: . }
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, commands: ["true"], expectedDuration: 20m }
rollout:
  waves: [[ap-southeast-2], [eu-west-1, us-east-1]]
  bake: 45m
`,
    });
    const file = path.join(dir, 'warn.yaml');
    const result = await runCli(['validate', '-f', file, '--at', '2026-11-27T10:00:00Z', '--state-dir', path.join(dir, 'nothing')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('is valid');
    expect(result.stderr).toContain(`${file}:4:67: warning: allow window \`2025-01-01 to 2025-01-02\` does not occur in the year after 2026-11-27`);
    expect(result.stderr).toContain(`${file}:4:67: warning: region ap-southeast-2 is never open in the next year`);
    expect(result.stderr).toContain(
      `${file}:15:1: warning: in region eu-west-1, 1h5m (expected durations and bake time) fits in no window of the next year; the longest is 1h`,
    );
    expect(result.stderr).toContain(`${file}:15:1: warning: the regions of wave 2 (eu-west-1, us-east-1) are never open at the same time in the next 14 days`);
  });
});
