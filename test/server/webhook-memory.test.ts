/**
 * Webhook bodies arrive before their sender is known, so their memory is bounded (issue 17,
 * Medium): against a real `meridian serve` with a 1 MB body limit, twelve deliveries that
 * declare 1 MB and trickle their bodies hold the budget of eight; the rest are answered 503
 * with Retry-After before their bodies are read, the held ones are cut off with 408 once their
 * bodies are late, and a signed delivery then goes through.
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo } from '../helpers/git-repo.js';
import { startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const SECRET = 'memory-secret';
const LIMIT = 1024 * 1024;

interface Slow {
  /** The answer's status and Retry-After, once there is one. */
  answer: Promise<{ status: number; retryAfter: string | undefined }>;
  close(): void;
}

/** A delivery that says its body is `LIMIT` bytes, sends 64 KB of it and waits. */
function slowDelivery(url: string): Slow {
  const request = http.request(`${url}/webhooks/github/hooked`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': String(LIMIT), 'x-github-event': 'push', 'x-github-delivery': randomUUID() },
  });
  const answer = new Promise<{ status: number; retryAfter: string | undefined }>((resolve) => {
    request.on('response', (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] });
    });
    request.on('error', () => resolve({ status: -1, retryAfter: undefined }));
  });
  request.write(Buffer.alloc(64 * 1024, 'x'));
  return { answer, close: () => request.destroy() };
}

const settled = <T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);

describe('webhook body memory', () => {
  let served: Served | undefined;
  afterAll(async () => {
    await served?.stop();
  });

  it('holds at most eight bodies of the limit: the others get 503, late bodies 408, and a signed delivery then works', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'hooked.yaml': `pipeline: hooked
sources:
  app:
    git: ${makeRepo({ VERSION: '1\n' })}
    branch: main
    webhook: { secret: ${SECRET} }
stages:
  - name: Build
    actions:
      - { name: build, uses: commands, inputs: [app], commands: ['true'] }
`,
    });
    const server = await startServe(['-f', path.join(dir, 'hooked.yaml'), '--state-dir', path.join(dir, 'state'), '--webhook-body-limit', String(LIMIT)]);
    served = server;

    const slow = Array.from({ length: 12 }, () => slowDelivery(server.url));
    const early = await Promise.all(slow.map((delivery) => settled(delivery.answer, 3_000)));
    const refused = early.filter((answer) => answer !== 'pending');
    expect(refused).toHaveLength(4);
    expect(refused).toEqual(Array(4).fill({ status: 503, retryAfter: '1' }));
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^meridian_webhook_deliveries_total\{outcome="busy"\} 4$/m);

    // The eight held bodies never complete: cut off after ten seconds, which frees the budget.
    const late = await Promise.all(slow.filter((_, i) => early[i] === 'pending').map((delivery) => delivery.answer));
    expect(late).toEqual(Array(8).fill({ status: 408, retryAfter: undefined }));
    for (const delivery of slow) delivery.close();

    const body = JSON.stringify({ zen: 'Design for failure.', hook_id: 1 });
    const ping = await fetch(`${server.url}/webhooks/github/hooked`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
      body,
    });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ ignored: 'ping: the webhook reaches Meridian', zen: 'Design for failure.' });
  }, 60_000);
});
