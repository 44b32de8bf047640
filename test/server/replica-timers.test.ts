/**
 * A rollout's bake is a timer of the replica that drives the execution: when that replica
 * dies (SIGKILL) in the middle of a bake, the replica that adopts the execution owns the
 * timer, and starts the next wave when the bake ends — not earlier, and not never.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { ended, startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const BAKE_S = 15;

describe.skipIf(!hasPostgres)('timers of a replica that dies', () => {
  const servers: Served[] = [];
  afterEach(async () => {
    for (const served of servers.splice(0)) await served.stop('SIGKILL');
  });

  it('a bake under way is taken over by the replica that adopts the execution', async () => {
    const url = await freshDatabase();
    const dir = tempDir();
    writeFiles(dir, {
      'p.yaml': `pipeline: waves
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
sources:
  src: { git: ${makeRepo({ 'README.md': 'x' })} }
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, commands: ["true"] }
rollout:
  waves: [[eu-west-1], [us-east-1]]
  bake: ${String(BAKE_S)}s
`,
    });
    const args = ['-f', path.join(dir, 'p.yaml'), '--state-dir', path.join(dir, 'state'), '--db', url, '--replica-timeout', '2'];
    const doomed = await startServe(args);
    servers.push(doomed);
    const { executionId: id } = (await doomed.api<{ executionId: string }>('POST', '/api/pipelines/waves/executions', {})).body;
    const events = async (served: Served): Promise<string[]> =>
      (await served.api<Array<{ description: string }>>('GET', `/api/executions/${id}/events`)).body.map((e) => e.description);
    await eventually(async () => (await events(doomed)).some((e) => e.startsWith('Wave 1 (eu-west-1) deployed; baking')), 60_000, 'wave 1 to bake');
    await doomed.stop('SIGKILL');
    const survivor = await startServe(args);
    servers.push(survivor);

    const summary = await ended(survivor, id, 120_000);
    expect(summary.status).toBe('Succeeded');
    const actions = summary.stages[1]?.actions ?? [];
    const eu = actions.find((a) => a.name === 'eu-west-1-deploy');
    const us = actions.find((a) => a.name === 'us-east-1-deploy');
    // The second wave started after the whole bake, on the replica that adopted the execution.
    expect(Date.parse(us?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(eu?.endedAt ?? '') + BAKE_S * 1000);
    const described = await events(survivor);
    const resumed = described.findIndex((e) => e.startsWith('Execution resumed by '));
    expect(resumed).toBeGreaterThan(-1);
    expect(described.findIndex((e) => e.startsWith('us-east-1-deploy (us-east-1) started'))).toBeGreaterThan(resumed);
    expect(described[resumed]).toContain(`:${String(survivor.child.pid)}:`);
  }, 180_000);
});
