/**
 * The dashboard's live execution view with two `meridian serve` replicas on one PostgreSQL
 * database: a page following an execution on one server sees what the other server did
 * (here, an approval answered there and the execution it let finish).
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { ADMIN_TOKEN, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe.skipIf(!hasPostgres)('live execution view across replicas', () => {
  const servers: Served[] = [];
  afterEach(async () => {
    for (const served of servers.splice(0)) await served.stop('SIGKILL');
  });

  it('streams to a page on one server the changes the other server commits', async () => {
    const url = await freshDatabase();
    const dir = tempDir();
    writeFiles(dir, {
      'p.yaml': `pipeline: gated
sources:
  src: { git: ${makeRepo({ 'README.md': 'x' })} }
stages:
  - name: Gate
    actions:
      - { name: go, uses: approval }
`,
    });
    const args = ['-f', path.join(dir, 'p.yaml'), '--state-dir', path.join(dir, 'state'), '--db', url];
    const one = await startServe(args);
    servers.push(one);
    const two = await startServe(args);
    servers.push(two);

    const { executionId } = (await one.api<{ executionId: string }>('POST', '/api/pipelines/gated/executions', {})).body;
    await eventually(
      async () => (await one.api<Summary>('GET', `/api/executions/${executionId}`)).body.stages[1]?.actions[0]?.status === 'Waiting',
      30_000,
      'the approval',
    );

    // A page on server two follows the execution.
    const controller = new AbortController();
    const response = await fetch(`${two.url}/api/executions/${executionId}/stream?token=${ADMIN_TOKEN}`, { signal: controller.signal });
    expect(response.status).toBe(200);
    const views: Array<{ status: string }> = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (block.startsWith('event: view') && data) views.push((JSON.parse(data) as { view: { status: string } }).view);
        }
      }
    })().catch(() => undefined);
    await eventually(() => (views.some((v) => v.status === 'InProgress') ? true : undefined), 20_000, 'the first view on server two');

    // Approved on server one: server two's page sees the execution finish.
    expect((await one.api('POST', `/api/executions/${executionId}/approvals/go`, { status: 'Approved', comment: 'ok' })).status).toBe(200);
    await eventually(() => (views.some((v) => v.status === 'Succeeded') ? true : undefined), 30_000, 'the Succeeded view on server two');
    controller.abort();
    await reading;
  });
});
