/**
 * Residency over real HTTP against a real `meridian serve`: an agent token is scoped to one
 * region. A real us-east-1 agent runs that region's jobs; the test speaks the agent protocol
 * itself with an eu-west-1 token and is refused (403) the US job, its artifacts, and US
 * parameters and secrets — while it gets its own job, that job's input replicated by the
 * server into eu-west-1 first, and eu-west-1 and shared values. A real agent is refused
 * another region's parameter in the same way: its action fails.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgentToken, startAgent, type StartedAgent } from '../helpers/agent.js';
import { eventually, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const REGIONS = `home: us-east-1
regions:
  us-east-1: { timezone: America/New_York }
  eu-west-1: { timezone: Europe/Dublin }`;

const shipping = (repo: string): string => `pipeline: shipping
${REGIONS}
sources:
  src: { git: ${repo} }
stages:
  - name: Work
    actions:
      - name: us-work
        uses: commands
        region: us-east-1
        inputs: [src]
        outputs: [usbits]
        commands: ["sleep 3", "mkdir -p out", "echo us > out/f"]
        with: { files: ["out/**"] }
  - name: Ship
    actions:
      - name: eu-ship
        uses: commands
        region: eu-west-1
        inputs: [src]
        commands: ["true"]
`;

const peeking = (repo: string): string => `pipeline: peeking
${REGIONS}
sources:
  src: { git: ${repo} }
stages:
  - name: Peek
    actions:
      - name: us-peek
        uses: commands
        region: us-east-1
        inputs: [src]
        env:
          DB: { parameter: /geo/eu-west-1/db-url }
        commands: ["echo $DB"]
`;

describe('residency: an agent gets only its own region', () => {
  let served: Served;
  let usAgent: StartedAgent;
  let euToken: string;
  let euOtherToken: string;
  let stateDir: string;

  beforeAll(async () => {
    const dir = tempDir();
    stateDir = path.join(dir, 'state');
    const repo = makeRepo({ 'README.md': 'x' });
    writeFiles(dir, { 'shipping.yaml': shipping(repo), 'peeking.yaml': peeking(repo) });
    const state = ['--state-dir', stateDir];
    for (const [name, value] of [
      ['/geo/eu-west-1/db-url', 'eu-db'],
      ['/geo/us-east-1/db-url', 'us-db'],
      ['/geo/shared/name', 'shared'],
    ] as const) {
      expect((await runCli(['params', 'put', name, value, ...state])).code).toBe(0);
    }
    for (const [id, value] of [
      ['geo/eu-west-1/token', 'eu-secret'],
      ['geo/us-east-1/token', 'us-secret'],
    ] as const) {
      expect((await runCli(['secrets', 'put', id, value, ...state])).code).toBe(0);
    }
    const usToken = await makeAgentToken(stateDir, 'us-east-1');
    euToken = await makeAgentToken(stateDir, 'eu-west-1');
    euOtherToken = await makeAgentToken(stateDir, 'eu-west-1', 'agent-eu-west-1-other');
    served = await startServe([
      '-f',
      path.join(dir, 'shipping.yaml'),
      '-f',
      path.join(dir, 'peeking.yaml'),
      ...state,
      '--remote-regions',
      '*',
      '--lease',
      '5',
      '--agent-poll',
      '2',
    ]);
    usAgent = await startAgent(served.url, 'us-east-1', usToken, path.join(dir, 'agent-us'));
  }, 90_000);
  afterAll(async () => {
    await usAgent.stop('SIGKILL');
    await served.stop('SIGKILL');
  });

  /** The agent protocol as an eu-west-1 agent speaks it. */
  const asEu = async (
    method: string,
    route: string,
    body?: unknown,
    agentId = 'eu-test-host:1:abc',
    token = euToken,
  ): Promise<{ status: number; text: string; headers: Headers; bytes: Buffer }> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'x-meridian-agent': agentId };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${served.url}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const bytes = Buffer.from(await response.arrayBuffer());
    return { status: response.status, text: bytes.toString('utf8'), headers: response.headers, bytes };
  };

  it("refuses another region's job, artifacts, parameters and secrets (403), and gives its own", async () => {
    const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/shipping/executions', {});
    const id = body.executionId;

    // While the US agent runs us-work, the EU token reaches nothing of that job.
    const agents = await eventually(
      async () => {
        const list = (await served.api<Array<{ region: string; jobs: Array<{ id: string; action: string }> }>>('GET', '/api/agents')).body;
        return list.find((a) => a.region === 'us-east-1' && a.jobs.some((j) => j.action === 'us-work')) ? list : undefined;
      },
      30_000,
      'us-work to run on the us-east-1 agent',
    );
    const usJob = agents.flatMap((a) => a.jobs).find((j) => j.action === 'us-work')?.id ?? '';
    const job = `/api/agents/jobs/${usJob}`;
    const refused = [
      await asEu('POST', '/api/agents/jobs/claim', { region: 'us-east-1', waitMs: 0 }),
      await asEu('POST', `${job}/heartbeat`, {}),
      await asEu('GET', `${job}/inputs/src`),
      await asEu('GET', `${job}/parameter?name=${encodeURIComponent('/geo/shared/name')}`),
      await asEu('GET', `${job}/secret?reference=${encodeURIComponent('geo/eu-west-1/token')}`),
      await asEu('POST', `${job}/log`, { lines: ['not mine'] }),
      await asEu('POST', `${job}/complete`, { status: 'Succeeded' }),
      await asEu('GET', '/api/pipelines'),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403, 403]);
    expect(JSON.parse(refused[1]?.text ?? '{}').error.message).toBe(`job ${usJob} runs in us-east-1; the token agent-eu-west-1 is scoped to eu-west-1`);

    // Its own job: eu-ship, whose input the server replicated from us-east-1 into eu-west-1.
    // A claim waits at most the server's --agent-poll (2 s), then answers 204: ask again, as an agent does.
    const claim = await eventually(
      async () => {
        const answer = await asEu('POST', '/api/agents/jobs/claim', { region: 'eu-west-1' });
        expect([200, 204]).toContain(answer.status);
        return answer.status === 200 ? answer : undefined;
      },
      30_000,
      'a job for eu-west-1',
    );
    const { spec } = JSON.parse(claim.text) as {
      spec: { job: { id: string }; action: { name: string }; inputs: Array<{ name: string; digest: string }>; artifactStores: Record<string, string> };
    };
    expect(spec.action.name).toBe('eu-ship');
    expect(Object.keys(spec.artifactStores)).toEqual(['eu-west-1']);
    const own = `/api/agents/jobs/${spec.job.id}`;
    const input = await asEu('GET', `${own}/inputs/src`);
    expect(input.status).toBe(200);
    expect(createHash('sha256').update(input.bytes).digest('hex')).toBe(spec.inputs[0]?.digest);
    expect(JSON.parse(input.headers.get('x-meridian-replicated') ?? '{}')).toMatchObject({ from: 'us-east-1' });
    expect(
      fs.readdirSync(path.join(stateDir, 'stores', 'eu-west-1'), { recursive: true, encoding: 'utf8' }).some((f) => f.includes(spec.inputs[0]?.digest ?? '-')),
    ).toBe(true);

    const value = async (route: string): Promise<[number, unknown]> => {
      const response = await asEu('GET', route);
      const parsed = JSON.parse(response.text) as { value?: unknown; error?: { message: string } };
      return [response.status, parsed.value ?? parsed.error?.message];
    };
    expect(await value(`${own}/inputs/usbits`)).toEqual([
      403,
      'usbits is not an input artifact of eu-ship; an agent reads only the inputs of the job it holds',
    ]);
    expect(await value(`${own}/parameter?name=${encodeURIComponent('/geo/us-east-1/db-url')}`)).toEqual([
      403,
      'parameter /geo/us-east-1/db-url belongs to region us-east-1; the token agent-eu-west-1 is scoped to eu-west-1',
    ]);
    expect(await value(`${own}/parameter?name=${encodeURIComponent('/geo/eu-west-1/db-url')}`)).toEqual([200, 'eu-db']);
    expect(await value(`${own}/parameter?name=${encodeURIComponent('/geo/shared/name')}`)).toEqual([200, 'shared']);
    expect(await value(`${own}/secret?reference=${encodeURIComponent('geo/us-east-1/token')}`)).toEqual([
      403,
      'secret geo/us-east-1/token belongs to region us-east-1; the token agent-eu-west-1 is scoped to eu-west-1',
    ]);
    expect(await value(`${own}/secret?reference=${encodeURIComponent('geo/eu-west-1/token')}`)).toEqual([200, 'eu-secret']);

    // Another agent of the same region does not hold this job's lease.
    expect((await asEu('POST', `${own}/heartbeat`, {}, 'eu-other-host:9:fff')).status).toBe(409);
    // Nor does another token of the region that sends this agent's id: a lease is the token's.
    for (const [method, route, body] of [
      ['POST', `${own}/heartbeat`, {}],
      ['GET', `${own}/parameter?name=${encodeURIComponent('/geo/eu-west-1/db-url')}`, undefined],
      ['POST', `${own}/complete`, { status: 'Failed', error: { code: 'ACTION_FAILED', message: 'forged' } }],
    ] as const) {
      expect((await asEu(method, route, body, 'eu-test-host:1:abc', euOtherToken)).status).toBe(409);
    }
    expect((await asEu('POST', `${own}/heartbeat`, {})).status).toBe(200);
    expect((await asEu('POST', `${own}/log`, { lines: ['shipped from the test agent'] })).status).toBe(204);
    expect((await asEu('POST', `${own}/complete`, { status: 'Succeeded', summary: 'shipped' })).status).toBe(200);
    expect((await ended(served, id, 30_000)).status).toBe('Succeeded');
    const log = await (await fetch(`${served.url}/api/executions/${id}/actions/eu-ship/log`, { headers: { authorization: 'Bearer test-admin-token' } })).text();
    expect(log).toContain('[agent agent-eu-west-1 (eu-test-host:1:abc) in eu-west-1 runs attempt 1]');
    expect(log).toContain('shipped from the test agent');
  }, 90_000);

  it("a real agent is refused another region's parameter: its action fails and says why", async () => {
    const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/peeking/executions', {});
    const summary = await ended(served, body.executionId, 30_000);
    expect(summary.status).toBe('Failed');
    const peek = summary.stages.find((s) => s.name === 'Peek')?.actions[0] as
      (Summary['stages'][number]['actions'][number] & { error: { message: string } | null }) | undefined;
    expect(peek?.error?.message).toContain('parameter /geo/eu-west-1/db-url belongs to region eu-west-1; the token agent-us-east-1 is scoped to us-east-1');
  }, 60_000);
});
