/**
 * The API of a real `meridian serve`: start with variables, approve with an operator token
 * (recorded with its name), live logs over Server-Sent Events (backlog, then new lines, then
 * `end`), a reload that keeps the old definition when the new one is invalid, and metrics.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const definition = (repo: string): string => `pipeline: shop
variables:
  GREETING: hi
sources:
  src: { git: ${repo} }
stages:
  - name: Gate
    actions:
      - name: ok-to-ship
        uses: approval
  - name: Build
    actions:
      - name: talk
        uses: commands
        inputs: [src]
        commands:
          - 'for i in 1 2 3; do echo "line $i #{variables.GREETING}"; sleep 0.3; done'
`;

/** Reads an SSE stream to its `end` event. */
async function readEvents(url: string, token: string): Promise<Array<{ event: string; data: Record<string, unknown> }>> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown>;
      return { event, data };
    });
}

describe('the HTTP API of meridian serve', () => {
  let served: Served;
  let operator: string;
  let file: string;
  let repo: string;

  beforeAll(async () => {
    const dir = tempDir();
    repo = makeRepo({ 'README.md': 'shop' });
    file = path.join(dir, 'pipeline.yaml');
    writeFiles(dir, { 'pipeline.yaml': definition(repo) });
    const stateDir = path.join(dir, 'state');
    operator = (await runCli(['tokens', 'create', '--role', 'operator', '--name', 'release-manager', '--state-dir', stateDir])).stdout.trim();
    served = await startServe(['-f', file, '--state-dir', stateDir]);
  });
  afterAll(async () => {
    await served.stop();
  });

  it('starts with variables, records who approved, and streams the logs live', async () => {
    const started = await served.api<{ executionId: string }>(
      'POST',
      '/api/pipelines/shop/executions',
      { variables: [{ name: 'GREETING', value: 'hello' }] },
      operator,
    );
    expect(started.status).toBe(201);
    const id = started.body.executionId;
    await eventually(
      async () => (await served.api<Summary>('GET', `/api/executions/${id}`)).body.stages[1]?.actions[0]?.status === 'Waiting',
      30_000,
      'approval to wait',
    );

    // The stream opens before the logging action runs: it must follow, not only replay.
    const stream = readEvents(`${served.url}/api/executions/${id}/logs`, operator);
    const approved = await served.api<{ by: string }>(
      'POST',
      `/api/executions/${id}/approvals/ok-to-ship`,
      { status: 'Approved', comment: 'ship it' },
      operator,
    );
    expect(approved.status).toBe(200);
    expect(approved.body.by).toBe('release-manager');
    const events = await stream;
    const lines = events.filter((e) => e.event === 'log' && e.data.action === 'talk').map((e) => e.data.line);
    expect(lines).toEqual(expect.arrayContaining(['line 1 hello', 'line 2 hello', 'line 3 hello']));
    expect(events.at(-1)).toEqual({ event: 'end', data: { executionId: id, status: 'Succeeded' } });

    const history = await served.api<Array<{ description: string }>>('GET', `/api/executions/${id}/events`);
    expect(history.body.map((e) => e.description)).toContain('ok-to-ship approved by release-manager: ship it');
    expect((await ended(served, id)).trigger).toEqual({ type: 'api', detail: 'started by release-manager' });

    // The backlog alone, for an execution that has ended, and one action's log as text.
    const replay = await readEvents(`${served.url}/api/executions/${id}/logs?action=talk`, operator);
    expect(replay.filter((e) => e.event === 'log').map((e) => e.data.line)).toContain('line 3 hello');
    const text = await fetch(`${served.url}/api/executions/${id}/actions/talk/log`, { headers: { authorization: `Bearer ${operator}` } });
    expect(await text.text()).toContain('line 2 hello');
  }, 60_000);

  it('refuses a bad start request naming the field, and a viewer cannot start', async () => {
    const bad = await served.api<{ error: { code: string; message: string } }>('POST', '/api/pipelines/shop/executions', {
      variables: [{ name: 'GREETING', value: '' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^variables\.0\.value: /);
    const missing = await served.api<{ error: { code: string } }>('POST', '/api/pipelines/nope/executions', {});
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it('a reload with an invalid definition keeps the running one; a valid one replaces it', async () => {
    writeFileSync(file, definition(repo).replace('uses: commands', 'uses: comands'));
    const refused = await served.api<{ error: { message: string }; problems: string[] }>('POST', '/api/pipelines/shop/reload');
    expect(refused.status).toBe(400);
    expect(refused.body.problems.join('\n')).toMatch(/pipeline\.yaml:\d+:\d+: unknown action type `comands`/);
    const still = await served.api<{ stages: Array<{ actions: Array<{ type: string }> }> }>('GET', '/api/pipelines/shop');
    expect(still.body.stages[2]?.actions[0]?.type).toBe('Compute/AWS/Commands');

    writeFileSync(file, definition(repo).replace('name: talk', 'name: speak'));
    expect((await served.api('POST', '/api/pipelines/shop/reload')).status).toBe(200);
    const now = await served.api<{ stages: Array<{ actions: Array<{ name: string }> }> }>('GET', '/api/pipelines/shop');
    expect(now.body.stages[2]?.actions[0]?.name).toBe('speak');
  });

  it('reports health and Prometheus metrics', async () => {
    const health = await served.api<{ status: string; pipelines: number }>('GET', '/healthz', undefined, null);
    expect(health.body).toMatchObject({ status: 'ok', pipelines: 1 });
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    expect(metrics).toMatch(/meridian_executions\{status="Succeeded"\} 1/);
    expect(metrics).toMatch(/meridian_action_duration_seconds_count\{region="local",status="Succeeded"\} \d+/);
  });
});
