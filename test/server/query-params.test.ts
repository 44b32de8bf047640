/**
 * A query parameter given twice (`?name=a&name=b`, which Fastify parses into an array) is a
 * 400 that says so, on the agent routes and every other `/api` route: a real `meridian serve`
 * on 127.0.0.1 with a remote region, the test speaking the agent protocol itself with an
 * agent token and holding a real job.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgentToken } from '../helpers/agent.js';
import { eventually, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const definition = (repo: string): string => `pipeline: remote
home: eu-west-1
regions:
  eu-west-1: { timezone: Europe/Dublin }
sources:
  src: { git: ${repo} }
stages:
  - name: Work
    actions:
      - { name: work, uses: commands, region: eu-west-1, inputs: [src], commands: ["true"] }
`;

describe('a repeated query parameter', () => {
  let served: Served;
  let agentToken: string;

  beforeAll(async () => {
    const dir = tempDir();
    const stateDir = path.join(dir, 'state');
    writeFiles(dir, { 'remote.yaml': definition(makeRepo({ 'README.md': 'x' })) });
    expect((await runCli(['params', 'put', '/shared/name', 'value', '--state-dir', stateDir])).code).toBe(0);
    agentToken = await makeAgentToken(stateDir, 'eu-west-1');
    served = await startServe(['-f', path.join(dir, 'remote.yaml'), '--state-dir', stateDir, '--remote-regions', 'eu-west-1', '--agent-poll', '1']);
  }, 60_000);
  afterAll(async () => {
    await served.stop('SIGKILL');
  });

  const asAgent = async (
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: { error?: { message: string } } & Record<string, unknown> }> => {
    const headers: Record<string, string> = { authorization: `Bearer ${agentToken}`, 'x-meridian-agent': 'test-host:1:abc' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${served.url}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as { error?: { message: string } }) };
  };

  it('is a 400 that names it on the agent routes of a held job, not a 500', async () => {
    const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/remote/executions', {});
    expect(body.executionId).toBeTruthy();
    const claim = await eventually(
      async () => {
        const answer = await asAgent('POST', '/api/agents/jobs/claim', { region: 'eu-west-1' });
        expect([200, 204]).toContain(answer.status);
        return answer.status === 200 ? answer : undefined;
      },
      30_000,
      'a job for eu-west-1',
    );
    const job = `/api/agents/jobs/${(claim.body as { spec: { job: { id: string } } }).spec.job.id}`;
    expect((await asAgent('GET', `${job}/parameter?name=/shared/name`)).status).toBe(200);

    for (const query of ['parameter?name=/shared/name&name=/shared/name', 'secret?reference=a&reference=b']) {
      const answer = await asAgent('GET', `${job}/${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error?.message, query).toMatch(/^\?(name|reference)= is given 2 times; give it once$/);
    }
    expect((await asAgent('POST', `${job}/heartbeat?x=1&x=2`, {})).status).toBe(400);
    expect((await asAgent('POST', `${job}/complete`, { status: 'Succeeded' })).status).toBe(200);
  }, 60_000);

  it('is a 400 on the other /api routes that read the query', async () => {
    const { body: list } = await served.api<Array<{ executionId: string }>>('GET', '/api/executions');
    const id = list[0]?.executionId ?? '';
    for (const route of [
      '/api/executions?limit=1&limit=2',
      `/api/executions/${id}/events?after=0&after=1`,
      `/api/executions/${id}/actions/work/log?attempt=1&attempt=2`,
      '/api/halts?all=1&all=0',
      '/api/parameters?path=/a&path=/b',
      '/api/pipelines/remote/plan?at=2026-03-29T01:30:00Z&at=2026-03-30T01:30:00Z',
      `/api/executions/${id}/logs?action=work&action=work`,
    ]) {
      const answer = await served.api<{ error: { message: string } }>('GET', route);
      expect(answer.status, route).toBe(400);
      expect(answer.body.error.message, route).toMatch(/ is given 2 times; give it once$/);
    }
    // Given once, they work.
    expect((await served.api('GET', '/api/executions?limit=1')).status).toBe(200);
    expect((await served.api('GET', '/api/halts?all=1')).status).toBe(200);
  }, 30_000);
});
