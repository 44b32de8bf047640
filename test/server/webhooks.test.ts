/**
 * GitHub webhooks against a real `meridian serve`, with deliveries written in the shape of
 * GitHub's documented push and ping payloads and signed with a secret known to the test
 * (sha256 HMAC of the raw body, as GitHub does).
 */
import { createHmac, randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const SECRET = "It's a Secret to Everybody";
const FILTER_SECRET = 'filters-secret';

/** A push payload in the shape of GitHub's documentation (the fields Meridian reads, and a few more). */
function pushPayload(
  ref: string,
  after: string,
  changed: { added?: string[]; modified?: string[]; removed?: string[] } = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ref,
    before: '0'.repeat(39) + '1',
    after,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/acme/shop/compare/abc...${after.slice(0, 12)}`,
    commits: [
      {
        id: after,
        message: 'Change things',
        timestamp: '2026-11-27T10:00:00Z',
        added: changed.added ?? [],
        removed: changed.removed ?? [],
        modified: changed.modified ?? ['src/app.ts'],
      },
    ],
    head_commit: { id: after, message: 'Change things' },
    repository: { id: 1, name: 'shop', full_name: 'acme/shop', clone_url: 'https://github.com/acme/shop.git' },
    pusher: { name: 'ada', email: 'ada@example.com' },
    sender: { login: 'ada' },
    ...extra,
  };
}

const sign = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('GitHub webhooks', () => {
  let served: Served;
  let head: string;
  let stateDir: string;

  const deliver = async (
    pipeline: string,
    payload: unknown,
    options: { event?: string; delivery?: string; secret?: string | null; body?: string; signature?: string } = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const body = options.body ?? JSON.stringify(payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/abc123',
      'x-github-event': options.event ?? 'push',
      'x-github-delivery': options.delivery ?? randomUUID(),
      'x-github-hook-id': '42',
    };
    const secret = options.secret === undefined ? (pipeline === 'filtered' ? FILTER_SECRET : SECRET) : options.secret;
    if (options.signature !== undefined) headers['x-hub-signature-256'] = options.signature;
    else if (secret !== null) headers['x-hub-signature-256'] = sign(secret, body);
    const response = await fetch(`${served.url}/webhooks/github/${pipeline}`, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const executions = async (): Promise<Array<{ executionId: string; pipeline: string }>> =>
    (await served.api<Array<{ executionId: string; pipeline: string }>>('GET', '/api/executions')).body;

  beforeAll(async () => {
    const repo = makeRepo({ VERSION: '1.0.0\n', 'src/app.ts': 'export {};\n' });
    head = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'branch', 'release/1.2');
    git(repo, 'tag', 'v1.0');
    const dir = tempDir();
    stateDir = path.join(dir, 'state');
    writeFiles(dir, {
      'hooked.yaml': `pipeline: hooked
sources:
  app:
    git: ${repo}
    branch: main
    namespace: Src
    webhook: { secret: { parameter: /hooked/webhook-secret } }
stages:
  - name: Build
    actions:
      - { name: build, uses: commands, inputs: [app], commands: ['cat VERSION'] }
`,
      'filtered.yaml': `pipeline: filtered
sources:
  app:
    git: ${repo}
    webhook: { secret: ${FILTER_SECRET} }
    on:
      - branches: [main, 'release/**']
        paths: { includes: ['src/**'], excludes: ['src/**/*.md'] }
      - tags: ['v*']
stages:
  - name: Build
    actions:
      - { name: build, uses: commands, inputs: [app], commands: ['true'] }
`,
    });
    const put = await runCli(['params', 'put', '/hooked/webhook-secret', SECRET, '--type', 'SecureString', '--state-dir', stateDir]);
    expect(put.code, put.stderr).toBe(0);
    served = await startServe([
      '-f',
      path.join(dir, 'hooked.yaml'),
      '-f',
      path.join(dir, 'filtered.yaml'),
      '--state-dir',
      stateDir,
      '--webhook-body-limit',
      '65536',
      '--webhook-rate-limit',
      '1000',
    ]);
  });
  afterAll(async () => {
    await served.stop();
  });

  it('answers a ping', async () => {
    const pong = await deliver('hooked', { zen: 'Keep it logically awesome.', hook_id: 42, hook: { type: 'Repository' } }, { event: 'ping' });
    expect(pong).toEqual({ status: 200, body: { ignored: 'ping: the webhook reaches Meridian', zen: 'Keep it logically awesome.' } });
  });

  it('starts an execution of the pushed commit once, however often the delivery is sent', async () => {
    const delivery = randomUUID();
    const first = await deliver('hooked', pushPayload('refs/heads/main', head), { delivery });
    expect(first.status).toBe(202);
    const executionId = first.body.executionId as string;
    const again = await deliver('hooked', pushPayload('refs/heads/main', head), { delivery });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ executionId, ignored: expect.stringContaining(`delivery ${delivery} was received before`) });

    const summary: Summary = await ended(served, executionId);
    expect(summary.status).toBe('Succeeded');
    expect(summary.trigger).toEqual({ type: 'webhook', detail: `push of ${head.slice(0, 12)} to refs/heads/main (GitHub delivery ${delivery})` });
    const source = summary.stages[0]?.actions[0] as unknown as { outputVariables: Record<string, string> };
    expect(source.outputVariables.CommitId).toBe(head);
    expect((await executions()).filter((e) => e.executionId === executionId)).toHaveLength(1);
  }, 60_000);

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    const before = (await executions()).length;
    const delivery = randomUUID();
    const forged = await deliver('hooked', pushPayload('refs/heads/main', head), { delivery, secret: 'wrong secret' });
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.stringContaining('does not match the body') } });
    expect((await deliver('hooked', pushPayload('refs/heads/main', head), { secret: null })).status).toBe(401);
    expect((await deliver('hooked', pushPayload('refs/heads/main', head), { signature: 'sha1=abc' })).status).toBe(401);
    // Tampered body, genuine signature of another body.
    const original = JSON.stringify(pushPayload('refs/heads/main', head));
    expect((await deliver('hooked', undefined, { body: original.replace('main', 'evil'), signature: sign(SECRET, original) })).status).toBe(401);
    expect((await executions()).length).toBe(before);
    // Nothing was remembered: the same delivery id, now signed right, starts an execution.
    expect((await deliver('hooked', pushPayload('refs/heads/main', head), { delivery })).status).toBe(202);
  });

  it('answers 404, 400 and 413 for an unknown pipeline, malformed bodies and a huge body', async () => {
    expect((await deliver('no-such-pipeline', pushPayload('refs/heads/main', head))).status).toBe(404);
    const malformed = await deliver('hooked', undefined, { body: '{"ref": "refs/heads/main",' });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'BAD_INPUT' } } });
    const shape = await deliver('hooked', { after: head, commits: [] });
    expect(shape.status).toBe(400);
    expect((shape.body.error as { message: string }).message).toMatch(/^push payload field ref /);
    const badCommit = await deliver('hooked', pushPayload('refs/heads/main', 'not-a-sha'));
    expect((badCommit.body.error as { message: string }).message).toMatch(/^push payload field after must be a 40-character commit id/);
    const huge = await deliver('hooked', pushPayload('refs/heads/main', head, {}, { padding: 'x'.repeat(100_000) }));
    expect(huge).toEqual({ status: 413, body: { error: { code: 'TOO_LARGE', message: 'the body is larger than 65536 bytes' } } });
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    expect(metrics).toMatch(/^meridian_webhook_deliveries_total\{outcome="too_large"\} 1$/m);
  });

  it('ignores other branches, deletions and other events with a reason', async () => {
    const other = await deliver('hooked', pushPayload('refs/heads/feature/x', head));
    expect(other).toEqual({ status: 200, body: { ignored: '$.ref is "refs/heads/feature/x", not "refs/heads/main"' } });
    const deleted = await deliver('hooked', pushPayload('refs/heads/main', '0'.repeat(40), {}, { deleted: true, head_commit: null }));
    expect(deleted).toEqual({ status: 200, body: { ignored: 'refs/heads/main was deleted: nothing to build' } });
    const issue = await deliver('hooked', { action: 'opened' }, { event: 'issues' });
    expect(issue).toEqual({ status: 200, body: { ignored: 'event issues is not a push' } });
  });

  it('applies branch, tag and file path filters (V2 triggers) to pushes', async () => {
    const outcome = async (ref: string, changed: { added?: string[]; modified?: string[]; removed?: string[] }): Promise<number> =>
      (await deliver('filtered', pushPayload(ref, head, changed))).status;
    expect(await outcome('refs/heads/main', { modified: ['src/app.ts'] })).toBe(202);
    expect(await outcome('refs/heads/release/1.2', { added: ['src/new/deep.ts'] })).toBe(202);
    expect(await outcome('refs/tags/v1.0', { modified: [] })).toBe(202);
    expect(await outcome('refs/heads/main', { modified: ['docs/guide.md'] })).toBe(200);
    expect(await outcome('refs/heads/main', { modified: ['src/notes/README.md'] })).toBe(200);
    expect(await outcome('refs/heads/feature/x', { modified: ['src/app.ts'] })).toBe(200);
    expect(await outcome('refs/tags/x1.0', {})).toBe(200);
    const ignored = await deliver('filtered', pushPayload('refs/heads/main', head, { modified: ['docs/guide.md'] }));
    expect(ignored.body.ignored).toMatch(/none of the 1 changed file\(s\) passes the file path filter; refs\/heads\/main is not a tag/);
  });
});

describe('a flood of webhook requests from one address', () => {
  it('gets 429 once past the limit', async () => {
    const repo = makeRepo({ 'README.md': 'x' });
    const dir = tempDir();
    writeFiles(dir, {
      'p.yaml': `pipeline: flood\nsources:\n  app: { git: ${repo}, branch: main, webhook: { secret: s } }\nstages:\n  - name: B\n    actions:\n      - { name: b, uses: commands, inputs: [app], commands: ['true'] }\n`,
    });
    const served = await startServe(['-f', path.join(dir, 'p.yaml'), '--state-dir', path.join(dir, 'state'), '--webhook-rate-limit', '5']);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const response = await fetch(`${served.url}/webhooks/github/flood`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign('s', '{}') },
          body: '{}',
        });
        statuses.push(response.status);
        if (response.status === 429) expect(((await response.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
        else await response.arrayBuffer();
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    } finally {
      await served.stop();
    }
  });
});
