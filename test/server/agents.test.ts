/**
 * Remote agents, one per region, as real `meridian agent` processes against a real
 * `meridian serve` on 127.0.0.1: each region's actions run on that region's agent (its log
 * says which agent ran it, the action's output says where), the server replicates the
 * artifact into each region's store, a manual approval in a remote region waits on its agent
 * until answered through the API, a region listed in --remote-regions waits for its agent
 * (queue depth in /metrics) while the server runs the other regions itself, and /healthz,
 * /metrics and GET /api/agents count the agents by region.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeAgentToken, startAgent, type StartedAgent } from '../helpers/agent.js';
import { eventually } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const REMOTE = ['us-east-1', 'ap-southeast-2'];

const definition = (repo: string): string => `pipeline: geo
home: eu-west-1
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
  ap-southeast-2: { timezone: Australia/Sydney }
sources:
  src: { git: ${repo} }
stages:
  - name: Build
    actions:
      - name: build
        uses: commands
        region: eu-west-1
        inputs: [src]
        outputs: [package]
        commands: ["mkdir -p out", "cp app.txt out/app.txt"]
        with: { files: ["out/**"] }
  - name: Gate
    actions:
      - name: us-go
        uses: approval
        region: us-east-1
  - name: Deploy
    forEach: region
    actions:
      - name: deploy-\${region}
        uses: commands
        inputs: [package]
        commands: ["cat out/app.txt", "export WHERE=$AWS_REGION"]
        outputVariables: [WHERE]
`;

type Action = Summary['stages'][number]['actions'][number] & { region: string; outputVariables: Record<string, string> };

function actionOf(summary: Summary, name: string): Action {
  const found = summary.stages.flatMap((s) => s.actions).find((a) => a.name === name);
  if (!found) throw new Error(`no action ${name}`);
  return found as Action;
}

function zipsIn(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.zip'));
}

describe('remote agents, one per region', () => {
  const started: Array<Served | StartedAgent> = [];
  afterAll(async () => {
    for (const process of started.splice(0).reverse()) await process.stop('SIGKILL');
  });

  it("runs each region's actions on that region's agent, and the server's own regions itself", async () => {
    const dir = tempDir();
    const stateDir = path.join(dir, 'state');
    writeFiles(dir, { 'geo.yaml': definition(makeRepo({ 'app.txt': 'v7\n' })) });
    const tokens: Record<string, string> = {};
    for (const region of REMOTE) tokens[region] = await makeAgentToken(stateDir, region);
    const served = await startServe([
      '-f',
      path.join(dir, 'geo.yaml'),
      '--state-dir',
      stateDir,
      '--remote-regions',
      REMOTE.join(','),
      '--lease',
      '3',
      '--agent-poll',
      '2',
    ]);
    started.push(served);
    expect(served.child.output.stdout).toContain('Jobs of us-east-1, ap-southeast-2 wait for remote agents');
    const us = await startAgent(served.url, 'us-east-1', tokens['us-east-1'] ?? '', path.join(dir, 'agent-us'), ['--labels', 'linux,us']);
    started.push(us);

    const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/geo/executions', {});
    const id = body.executionId;
    // The approval waits on the us-east-1 agent until someone answers it.
    await eventually(
      async () => actionOf((await served.api<Summary>('GET', `/api/executions/${id}`)).body, 'us-go').status === 'Waiting',
      30_000,
      'us-go to wait',
    );
    expect((await served.api('POST', `/api/executions/${id}/approvals/us-go`, { status: 'Approved', comment: 'go' })).status).toBe(200);
    // The ap-southeast-2 deploy waits in the queue for an agent of its region; the others go on.
    await eventually(
      async () => {
        const summary = (await served.api<Summary>('GET', `/api/executions/${id}`)).body;
        return actionOf(summary, 'deploy-us-east-1').status === 'Succeeded' && actionOf(summary, 'deploy-eu-west-1').status === 'Succeeded';
      },
      30_000,
      'the eu-west-1 and us-east-1 deploys',
    );
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    expect(metrics).toMatch(/meridian_queue_depth\{region="ap-southeast-2"\} 1/);
    expect(metrics).toMatch(/meridian_agents\{region="us-east-1"\} 1/);
    expect((await served.api<Summary>('GET', `/api/executions/${id}`)).body.status).toBe('InProgress');

    const ap = await startAgent(served.url, 'ap-southeast-2', tokens['ap-southeast-2'] ?? '', path.join(dir, 'agent-ap'));
    started.push(ap);
    const summary = await ended(served, id, 30_000);
    expect(summary.status).toBe('Succeeded');

    // Where each action ran: its output, its log, and each agent's own account.
    for (const region of ['eu-west-1', ...REMOTE]) expect(actionOf(summary, `deploy-${region}`).outputVariables).toEqual({ WHERE: region });
    const log = async (action: string): Promise<string> =>
      (await fetch(`${served.url}/api/executions/${id}/actions/${action}/log`, { headers: { authorization: 'Bearer test-admin-token' } })).text();
    for (const region of REMOTE) {
      const text = await log(`deploy-${region}`);
      expect(text).toContain(`[agent agent-${region} (`);
      expect(text).toContain(`Replicated package`);
      expect(text).toContain(`from eu-west-1 to ${region}`);
      expect(text).toContain('v7');
    }
    expect(await log('deploy-eu-west-1')).not.toContain('[agent ');
    expect(actionOf(summary, 'us-go').status).toBe('Succeeded');
    expect(us.ran()).toEqual([`Running us-go (us-east-1) attempt 1 of ${id}`, `Running deploy-us-east-1 (us-east-1) attempt 1 of ${id}`]);
    expect(ap.ran()).toEqual([`Running deploy-ap-southeast-2 (ap-southeast-2) attempt 1 of ${id}`]);

    // The server replicated the package into each region's store; the agents keep no store.
    for (const region of ['eu-west-1', ...REMOTE]) expect(zipsIn(path.join(stateDir, 'stores', region)).length).toBeGreaterThan(0);
    for (const agentDir of ['agent-us', 'agent-ap']) {
      expect(zipsIn(path.join(dir, agentDir))).toEqual([]);
      expect(fs.existsSync(path.join(dir, agentDir, 'logs'))).toBe(true);
    }

    const health = (await (await fetch(`${served.url}/healthz`)).json()) as { agents: unknown };
    expect(health.agents).toEqual({ total: 2, byRegion: { 'ap-southeast-2': 1, 'us-east-1': 1 } });
    const agents = (await served.api<Array<{ name: string; region: string; labels: string[]; jobs: unknown[] }>>('GET', '/api/agents')).body;
    expect(agents.map((a) => [a.name, a.region, a.labels, a.jobs.length])).toEqual([
      ['agent-ap-southeast-2', 'ap-southeast-2', [], 0],
      ['agent-us-east-1', 'us-east-1', ['linux', 'us'], 0],
    ]);

    // SIGTERM: an idle agent stops at once and exits 0.
    const exit = await ap.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('Stopped.');
  }, 120_000);
});
