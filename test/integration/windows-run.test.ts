/**
 * `meridian run --clock-start --clock-speed`: a whole night of windows in a few seconds. Three
 * regions open ten minutes apart on a clock running 600 times faster; each region's deploy
 * starts as its window opens (the runner's timer follows the clock), in that order.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { windowsOfRegion } from '../../src/domain/region-windows.js';
import { isOpen } from '../../src/domain/windows/index.js';
import { runCli } from '../helpers/cli.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const runCommand = promisify(execFile);
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const definition = (repo: string): string => `pipeline: night
regions:
  first:  { windows: { allow: "daily 10:00-11:00" } }
  second: { windows: { allow: "daily 10:10-11:00" } }
  third:  { windows: { allow: "daily 10:20-11:00" } }
sources:
  src: { git: ${repo} }
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, commands: ["echo \${region}"] }
`;

describe('run on a fast clock', () => {
  it('starts each region when its window opens on the clock, in order', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'meridian.yaml': definition(makeRepo({ 'README.md': 'night' })) });
    const stateDir = path.join(dir, 'state');
    const result = await runCli([
      'run',
      '-f',
      path.join(dir, 'meridian.yaml'),
      '--state-dir',
      stateDir,
      '--clock-start',
      '2026-11-30T09:30:00Z',
      '--clock-speed',
      '600',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { stages: Array<{ actions: Array<{ name: string; startedAt: string }> }> };
    const started = Object.fromEntries(summary.stages[1]!.actions.map((a) => [a.name, Date.parse(a.startedAt)]));
    const opens = { 'first-deploy': '2026-11-30T10:00:00Z', 'second-deploy': '2026-11-30T10:10:00Z', 'third-deploy': '2026-11-30T10:20:00Z' };
    for (const [name, at] of Object.entries(opens)) {
      const lateMs = (started[name] ?? 0) - Date.parse(at);
      expect(lateMs, `${name} started ${lateMs} ms after its window opened`).toBeGreaterThanOrEqual(0);
      expect(lateMs, `${name} started ${lateMs} ms after its window opened`).toBeLessThan(3 * 60_000);
    }
  });

  it('examples/follow-the-night rolls out wave by wave, each region inside its own window, in about twenty seconds', async () => {
    const stateDir = path.join(tempDir(), 'state');
    const result = await runCli([
      'run',
      '-f',
      'examples/follow-the-night/meridian.yaml',
      '--state-dir',
      stateDir,
      '--clock-start',
      '2026-11-29T12:00:00Z',
      '--clock-speed',
      '3600',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { stages: Array<{ actions: Array<{ name: string; region: string; startedAt: string; endedAt: string }> }> };
    const migrate = summary.stages[1]!.actions.filter((a) => a.name.endsWith('-migrate'));
    expect([...migrate].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).map((a) => a.region)).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    // Each started inside its region's window (on a slow machine a region may miss a night and take the next).
    const pipeline = await loadDefinition(path.resolve('examples/follow-the-night/meridian.yaml'));
    for (const action of summary.stages[1]!.actions) {
      const { windows, zone } = windowsOfRegion(pipeline, action.region);
      expect(isOpen(windows, zone, new Date(action.startedAt)), `${action.name} started at ${action.startedAt}`).toBe(true);
    }
  });

  it('examples/service-x with --disruptive and --clock-skip follows the night once: Sydney, Dublin, New York, each region doing its three steps in its own first night', async () => {
    const stateDir = path.join(tempDir(), 'state');
    try {
      const result = await runCli([
        'run',
        '-f',
        'examples/service-x/meridian.yaml',
        '--state-dir',
        stateDir,
        '--disruptive',
        '--clock-start',
        '2026-11-30T12:00:00Z',
        '--clock-skip',
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout) as {
        endedAt: string;
        stages: Array<{ name: string; actions: Array<{ name: string; region: string; startedAt: string; endedAt: string }> }>;
      };
      const deploy = summary.stages.find((s) => s.name === 'Deploy')!;
      const nights: Record<string, [string, string]> = {
        'ap-southeast-2': ['2026-11-30T14:00:00Z', '2026-11-30T18:00:00Z'],
        'eu-west-1': ['2026-12-01T01:00:00Z', '2026-12-01T05:00:00Z'],
        'us-east-1': ['2026-12-01T06:00:00Z', '2026-12-01T10:00:00Z'],
      };
      expect(deploy.actions).toHaveLength(9);
      for (const action of deploy.actions) {
        const [opens, closes] = nights[action.region]!;
        expect(Date.parse(action.startedAt), `${action.name} started at ${action.startedAt}`).toBeGreaterThanOrEqual(Date.parse(opens));
        expect(Date.parse(action.endedAt), `${action.name} ended at ${action.endedAt}`).toBeLessThanOrEqual(Date.parse(closes));
      }
      expect(Date.parse(summary.endedAt) - Date.parse('2026-11-30T12:00:00Z')).toBeLessThan(24 * 3_600_000);
    } finally {
      await runCommand('bash', ['examples/service-x/scripts/stop.sh', stateDir]);
    }
  });
});
