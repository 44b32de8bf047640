/**
 * Agent labels route jobs: an action's `runsOn` labels are all needed to claim its job. Real
 * `meridian agent` processes against a real `meridian serve` on 127.0.0.1: in eu-west-1 (run
 * by remote agents only) an agent labelled `gpu` runs the `runsOn: gpu` action, an unlabelled
 * agent never does, and the `runsOn: [gpu, arm64]` action waits until an agent with both
 * comes; in us-east-1 (run by the server itself) the in-process agent, which has no labels,
 * leaves the `runsOn: gpu` action to a remote agent of that region that has the label.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeAgentToken, startAgent, type StartedAgent } from '../helpers/agent.js';
import { eventually } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const definition = (repo: string): string => `pipeline: labelled
home: eu-west-1
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
sources:
  src: { git: ${repo} }
stages:
  - name: Work
    actions:
      - { name: plain, uses: Compute/Meridian/Noop, region: eu-west-1 }
      - { name: train, uses: Compute/Meridian/Noop, region: eu-west-1, runsOn: gpu }
      - { name: train-arm, uses: Compute/Meridian/Noop, region: eu-west-1, runsOn: [gpu, arm64] }
      - { name: us-plain, uses: Compute/Meridian/Noop, region: us-east-1 }
      - { name: us-train, uses: Compute/Meridian/Noop, region: us-east-1, runsOn: [gpu] }
`;

function statusOf(summary: Summary, name: string): string | undefined {
  return summary.stages.flatMap((s) => s.actions).find((a) => a.name === name)?.status;
}

/** The actions an agent ran, by name. */
function ranBy(agent: StartedAgent): string[] {
  return agent.ran().map((line) => line.replace(/^Running (\S+) .*$/, '$1'));
}

describe('agent labels', () => {
  const started: Array<Served | StartedAgent> = [];
  afterAll(async () => {
    for (const process of started.splice(0).reverse()) await process.stop('SIGKILL');
  });

  it('a job with labels goes only to an agent of its region that has all of them; the in-process agent has none', async () => {
    const dir = tempDir();
    const stateDir = path.join(dir, 'state');
    writeFiles(dir, { 'labelled.yaml': definition(makeRepo({ 'app.txt': 'v1\n' })) });
    const tokens = {
      gpu: await makeAgentToken(stateDir, 'eu-west-1', 'eu-gpu'),
      plain: await makeAgentToken(stateDir, 'eu-west-1', 'eu-plain'),
      both: await makeAgentToken(stateDir, 'eu-west-1', 'eu-gpu-arm'),
      us: await makeAgentToken(stateDir, 'us-east-1', 'us-gpu'),
    };
    const served = await startServe([
      '-f',
      path.join(dir, 'labelled.yaml'),
      '--state-dir',
      stateDir,
      '--remote-regions',
      'eu-west-1',
      '--lease',
      '3',
      '--agent-poll',
      '2',
    ]);
    started.push(served);
    const gpu = await startAgent(served.url, 'eu-west-1', tokens.gpu, path.join(dir, 'agent-gpu'), ['--labels', 'gpu', '--concurrency', '2']);
    const plain = await startAgent(served.url, 'eu-west-1', tokens.plain, path.join(dir, 'agent-plain'), ['--concurrency', '2']);
    started.push(gpu, plain);

    const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/labelled/executions', {});
    const id = body.executionId;
    // What some agent there can run, runs; what nobody there may run, waits in its region's queue.
    await eventually(
      async () => {
        const summary = (await served.api<Summary>('GET', `/api/executions/${id}`)).body;
        return ['plain', 'train', 'us-plain'].every((name) => statusOf(summary, name) === 'Succeeded');
      },
      30_000,
      'plain, train and us-plain',
    );
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    expect(metrics).toMatch(/meridian_queue_depth\{region="eu-west-1"\} 1/);
    expect(metrics).toMatch(/meridian_queue_depth\{region="us-east-1"\} 1/);
    const waiting = (await served.api<Summary>('GET', `/api/executions/${id}`)).body;
    expect([statusOf(waiting, 'train-arm'), statusOf(waiting, 'us-train')]).toEqual(['InProgress', 'InProgress']);

    const both = await startAgent(served.url, 'eu-west-1', tokens.both, path.join(dir, 'agent-both'), ['--labels', 'arm64,gpu']);
    const us = await startAgent(served.url, 'us-east-1', tokens.us, path.join(dir, 'agent-us'), ['--labels', 'gpu']);
    started.push(both, us);
    const summary = await ended(served, id, 30_000);
    expect(summary.status).toBe('Succeeded');

    expect(ranBy(gpu)).toContain('train');
    expect(ranBy(gpu)).not.toContain('train-arm');
    expect(ranBy(plain)).not.toContain('train');
    expect(ranBy(plain)).not.toContain('train-arm');
    expect(ranBy(both)).toEqual(['train-arm']);
    expect(ranBy(us)).toEqual(['us-train']);
    const log = async (action: string): Promise<string> =>
      (await fetch(`${served.url}/api/executions/${id}/actions/${action}/log`, { headers: { authorization: 'Bearer test-admin-token' } })).text();
    expect(await log('train-arm')).toContain('[agent eu-gpu-arm (');
    expect(await log('us-train')).toContain('[agent us-gpu (');
    // us-plain ran in the server's own agent: no remote agent's line in its log.
    expect(await log('us-plain')).not.toContain('[agent ');
    const agents = (await served.api<Array<{ name: string; labels: string[] }>>('GET', '/api/agents')).body;
    expect(agents.map((a) => [a.name, a.labels])).toEqual([
      ['eu-gpu', ['gpu']],
      ['eu-gpu-arm', ['arm64', 'gpu']],
      ['eu-plain', []],
      ['us-gpu', ['gpu']],
    ]);
  }, 120_000);
});
