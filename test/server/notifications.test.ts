/**
 * `serve --notify URL`: execution and stage status changes POSTed as signed JSON to a
 * receiver on 127.0.0.1 that fails its first request (the notifier retries it).
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const SECRET = 'notify-secret';

interface Received {
  signature: string | undefined;
  body: string;
}

describe('notifications', () => {
  let receiver: Server;
  let served: Served;
  const received: Received[] = [];
  let failures = 1;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (failures > 0) {
          failures--;
          response.writeHead(503).end();
          return;
        }
        received.push({ signature: request.headers['x-meridian-signature-256'] as string | undefined, body });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const repo = makeRepo({ 'README.md': 'x' });
    const dir = tempDir();
    writeFiles(dir, {
      'p.yaml': `pipeline: noisy\nsources:\n  src: { git: ${repo} }\nstages:\n  - name: Build\n    actions:\n      - { name: b, uses: commands, inputs: [src], commands: ['true'] }\n`,
    });
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    served = await startServe(['-f', path.join(dir, 'p.yaml'), '--state-dir', path.join(dir, 'state'), '--notify', url], { MERIDIAN_NOTIFY_SECRET: SECRET });
  });
  afterAll(async () => {
    await served.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('posts each status change once, in order, signed, after retrying a failed delivery', async () => {
    const { executionId } = (await served.api<{ executionId: string }>('POST', '/api/pipelines/noisy/executions', {})).body;
    await ended(served, executionId);
    await eventually(
      () => (received.some((r) => r.body.includes('"event":"execution","pipeline":"noisy"') && r.body.includes('"status":"Succeeded"')) ? true : undefined),
      30_000,
      'the last notification',
    );
    for (const { signature, body } of received) expect(signature).toBe(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
    const sent = received.map((r) => JSON.parse(r.body) as { event: string; stage: string | null; status: string; text: string; executionId: string });
    expect(sent.map((n) => `${n.event}:${n.stage ?? ''}:${n.status}`)).toEqual([
      'execution::InProgress',
      'stage:Source:InProgress',
      'stage:Source:Succeeded',
      'stage:Build:InProgress',
      'stage:Build:Succeeded',
      'execution::Succeeded',
    ]);
    expect(sent.every((n) => n.executionId === executionId)).toBe(true);
    expect(sent.at(-1)?.text).toMatch(/^noisy: execution Succeeded \([0-9a-f]{8}\): Execution succeeded$/);
    expect(failures).toBe(0);
  }, 60_000);
});
