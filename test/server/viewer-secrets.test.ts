/**
 * A viewer reads every API route and finds no secret (issue 17, High 2). A real `meridian
 * serve` runs a template pipeline whose GitHub (version 1) OAuthToken and one webhook secret
 * come from `!ImportValue`, another webhook secret is written as text, and an SSM-typed
 * parameter reads a SecureString; beside it a native pipeline with its webhook secret as
 * text. One execution is started through the API, one by a signed webhook delivery (the
 * webhook still verifies with the real secret). The GET routes are read from the server's own
 * route table, so a route added later is read too.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMeridian } from '../../src/cli/open-meridian.js';
import { SECRET_MARKER } from '../../src/domain/secret-fields.js';
import { PipelineCatalog } from '../../src/server/pipeline-catalog.js';
import { buildServer, type RouteInfo } from '../../src/server/server.js';
import { eventually, runCli } from '../helpers/cli.js';
import { githubPipelineStart, hmacAuthentication, webhookResource } from '../helpers/codepipeline-template.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { ADMIN_TOKEN, ended, startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const OAUTH_TOKEN = 'ghp_oauthTokenFromImportValue0001';
const IMPORTED_HOOK_SECRET = 'imported-webhook-secret-0002';
const TEXT_HOOK_SECRET = 'webhook-secret-written-as-text-0003';
const NATIVE_HOOK_SECRET = 'native-webhook-secret-as-text-0004';
/** What the native pipeline's secret is rotated to, with a reload, after its execution ran with the one above. */
const ROTATED_HOOK_SECRET = 'rotated-native-webhook-secret-0007';
const SECURE_STRING = 'secure-string-database-password-0005';
const NO_ECHO_DEFAULT = 'no-echo-parameter-default-0006';
const SECRETS = [OAUTH_TOKEN, IMPORTED_HOOK_SECRET, TEXT_HOOK_SECRET, NATIVE_HOOK_SECRET, SECURE_STRING, NO_ECHO_DEFAULT, ROTATED_HOOK_SECRET];

const hook = (id: string, token: string): string => webhookResource(id, 'Shop', hmacAuthentication(token));

const TEMPLATE = `Parameters:
  DbPassword: { Type: 'AWS::SSM::Parameter::Value<String>', Default: /shop/db-password }
  ApiKey: { Type: String, NoEcho: true, Default: ${NO_ECHO_DEFAULT} }
${githubPipelineStart('Shop', '!ImportValue ShopGitHubToken')}
        - Name: Build
          Actions:
            - Name: build
              ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: 1 }
              Commands:
                - cat VERSION
                # A secret that reaches an output variable is still masked in every answer.
                - export LEAK=${TEXT_HOOK_SECRET}
              OutputVariables: [LEAK]
              EnvironmentVariables:
                - { Name: DB_PASSWORD, Value: !Ref DbPassword }
                - { Name: API_KEY, Value: !Ref ApiKey }
              InputArtifacts: [{ Name: code }]
${hook('TextHook', TEXT_HOOK_SECRET)}
${hook('ImportedHook', '!ImportValue ShopWebhookSecret')}
`;

/** A native pipeline whose webhook secret is written as text, and whose failing command holds it. */
const nativeDefinition = (repo: string, secret: string): string => `pipeline: native
sources:
  app:
    git: ${repo}
    branch: main
    webhook: { secret: ${secret} }
stages:
  - name: Build
    actions:
      # A failed command is named in the error, the events and the notifications: with the secret pasted into it.
      - { name: build, uses: commands, inputs: [app], commands: ['cat VERSION', 'test -z "${secret}"'] }
`;

const sign = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The GET routes of the server, with the role each needs, from its own route table. */
async function getRoutes(): Promise<RouteInfo[]> {
  const meridian = await openMeridian(path.join(tempDir(), 'state'));
  try {
    const catalog = new PipelineCatalog([], () => Promise.reject(new Error('no pipelines here')));
    const built = await buildServer({ core: meridian, catalog, settings: { sourceOverrides: () => ({}), webhookBodyLimit: 1024, webhookRateLimit: 10 } });
    await built.app.close();
    return built.routes.filter((r) => r.method === 'GET' && r.role !== undefined && r.role !== 'agent');
  } finally {
    await meridian.close();
  }
}

/** Every URL a route stands for here: each value of each `:param`, given the values chosen before it (an execution's own actions). */
function expand(url: string, values: (param: string, chosen: Record<string, string>) => string[] | undefined, chosen: Record<string, string> = {}): string[] {
  const param = /:([A-Za-z]+)/.exec(url)?.[1];
  if (param === undefined) return [url];
  const choices = values(param, chosen);
  if (!choices) throw new Error(`${url}: the test knows no values for :${param}; add them to cover this route`);
  return choices.flatMap((choice) => expand(url.replace(`:${param}`, encodeURIComponent(choice)), values, { ...chosen, [param]: choice }));
}

/** A body as text; a live stream is read until it has sent a view or its end, or 3 s. */
async function readBody(url: string, token: string): Promise<{ status: number; text: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 3000);
  try {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    if (!response.body) return { status: response.status, text: '' };
    const decoder = new TextDecoder();
    let text = '';
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value as Uint8Array, { stream: true });
        if (response.headers.get('content-type')?.includes('text/event-stream') && /event: (view|end)\n/.test(text)) break;
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
    abort.abort();
    return { status: response.status, text };
  } finally {
    clearTimeout(timer);
  }
}

const STORES = [
  { name: 'SQLite', available: true },
  { name: 'PostgreSQL', available: hasPostgres },
] as const;

describe.each(STORES)('viewers never receive secret material on $name', ({ name, available }) => {
  /** MERIDIAN_DB for every command and the server: empty for SQLite in the state dir. */
  let store: Record<string, string>;
  let served: Served;
  let stateDir: string;
  let head: string;
  let dir: string;
  let repo: string;
  const tokens: Record<string, string> = { admin: ADMIN_TOKEN };
  const executionIds: string[] = [];
  const executionActions: Record<string, string[]> = {};
  const notifications: string[] = [];
  let receiver: Server | undefined;

  beforeAll(async () => {
    if (!available) return;
    store = { MERIDIAN_DB: name === 'PostgreSQL' ? await freshDatabase() : '' };
    repo = makeRepo({ VERSION: '1.0.0\n' });
    head = git(repo, 'rev-parse', 'HEAD');
    dir = tempDir();
    stateDir = path.join(dir, 'state');
    writeFiles(dir, {
      'shop.template.yaml': TEMPLATE,
      'native.yaml': nativeDefinition(repo, NATIVE_HOOK_SECRET),
    });
    const setup = [
      ['exports', 'set', 'ShopGitHubToken', OAUTH_TOKEN],
      ['exports', 'set', 'ShopWebhookSecret', IMPORTED_HOOK_SECRET],
      ['params', 'put', '/shop/db-password', SECURE_STRING, '--type', 'SecureString'],
    ];
    for (const args of setup) {
      const result = await runCli([...args, '--state-dir', stateDir], { env: store });
      expect(result.code, result.stderr).toBe(0);
    }
    for (const role of ['viewer', 'operator']) {
      const made = await runCli(['tokens', 'create', '--role', role, '--name', `${role}-token`, '--state-dir', stateDir], { env: store });
      expect(made.code, made.stderr).toBe(0);
      tokens[role] = made.stdout.trim();
    }
    // `serve --notify`: what it POSTs leaves the server too.
    const listening = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        notifications.push(body);
        response.writeHead(200).end();
      });
    });
    receiver = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    served = await startServe(
      [
        '--notify',
        `http://127.0.0.1:${(listening.address() as AddressInfo).port}/hook`,
        '-f',
        path.join(dir, 'shop.template.yaml'),
        '-f',
        path.join(dir, 'native.yaml'),
        '--source',
        `checkout=${repo}`,
        '--state-dir',
        stateDir,
      ],
      store,
    );
    const started = await served.api<{ executionId: string }>('POST', '/api/pipelines/shop/executions', {}, tokens.operator);
    expect(started.status).toBe(201);
    executionIds.push(started.body.executionId);
    executionActions[started.body.executionId] = ['checkout', 'build'];
    expect((await ended(served, started.body.executionId)).status).toBe('Succeeded');
    const native = await served.api<{ executionId: string }>('POST', '/api/pipelines/native/executions', {}, tokens.operator);
    expect(native.status).toBe(201);
    executionIds.push(native.body.executionId);
    executionActions[native.body.executionId] = ['app', 'build'];
    expect((await ended(served, native.body.executionId)).status).toBe('Failed');

    // The webhook still verifies deliveries with the real secret, and starts an execution.
    const body = JSON.stringify({ ref: 'refs/heads/main', after: head, commits: [], repository: { full_name: 'acme/shop' } });
    const deliver = (secret: string): Promise<Response> =>
      fetch(`${served.url}/webhooks/github/shop`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(secret, body) },
        body,
      });
    expect((await deliver(SECRET_MARKER)).status).toBe(401);
    const delivered = await deliver(TEXT_HOOK_SECRET);
    expect(delivered.status).toBe(202);
    const hooked = ((await delivered.json()) as { executionId: string }).executionId;
    executionIds.push(hooked);
    executionActions[hooked] = ['checkout', 'build'];
    expect((await ended(served, hooked)).status).toBe('Succeeded');

    // The native pipeline's secret is rotated: its failed execution's events still name the old one.
    writeFiles(dir, { 'native.yaml': nativeDefinition(repo, ROTATED_HOOK_SECRET) });
    expect((await served.api('POST', '/api/pipelines/native/reload')).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await served?.stop();
    const listening = receiver;
    if (listening) await new Promise((resolve) => listening.close(resolve));
  });

  it.skipIf(!available)('shows each secret field of a definition as the marker, and references as written', async () => {
    const { status, body } = await served.api<{
      definition: { stages: Array<{ actions: Array<{ configuration: Record<string, unknown> }> }>; webhooks: unknown[] };
    }>('GET', '/api/pipelines/shop', undefined, tokens.viewer);
    expect(status).toBe(200);
    expect(body.definition.stages[0]?.actions[0]?.configuration.OAuthToken).toBe(SECRET_MARKER);
    expect(body.definition.webhooks).toMatchObject([
      { name: 'TextHook', secret: { kind: 'plain', value: SECRET_MARKER } },
      { name: 'ImportedHook', secret: { kind: 'plain', value: SECRET_MARKER } },
    ]);
    const native = await served.api<{ definition: { webhooks: unknown[] } }>('GET', '/api/pipelines/native', undefined, tokens.viewer);
    expect(native.body.definition.webhooks).toMatchObject([{ secret: { kind: 'plain', value: SECRET_MARKER } }]);
  });

  it.skipIf(!available)(
    'answers no secret on any GET route, to a viewer or to the role the route needs',
    async () => {
      const routes = await getRoutes();
      expect(routes.map((r) => r.url)).toEqual(expect.arrayContaining(['/api/pipelines/:name', '/api/executions/:id/view', '/api/executions/:id/events']));
      const values = (param: string, chosen: Record<string, string>): string[] | undefined =>
        ({
          name: ['shop', 'native'],
          id: executionIds,
          action: executionActions[chosen.id ?? ''] ?? [],
        })[param];
      const read: string[] = [];
      for (const route of routes) {
        for (const url of expand(route.url, values)) {
          const { status, text } = await readBody(`${served.url}${url}`, tokens[route.role === 'viewer' ? 'viewer' : (route.role ?? 'admin')] ?? ADMIN_TOKEN);
          expect(status, `${url}: ${text.slice(0, 300)}`).toBeLessThan(400);
          for (const secret of SECRETS) expect(text, `${route.method} ${url} holds a secret`).not.toContain(secret);
          read.push(url);
        }
      }
      // The answers were not empty: the execution view names the leak that was masked.
      const view = await readBody(`${served.url}/api/executions/${executionIds[0]}`, tokens.viewer ?? '');
      expect(view.text).toContain(`"LEAK":"${SECRET_MARKER}"`);
      expect(read.length).toBeGreaterThanOrEqual(15);
    },
    60_000,
  );

  it.skipIf(!available)('notifies no secret', async () => {
    await eventually(() => (notifications.some((n) => n.includes('"status":"Failed"')) ? true : undefined), 10_000, 'the failure to be notified');
    for (const notification of notifications) for (const secret of SECRETS) expect(notification).not.toContain(secret);
  });

  it.skipIf(!available)('prints no secret with --json through the server or from the state dir', async () => {
    const env = { ...store, MERIDIAN_TOKEN: tokens.viewer ?? '' };
    const outputs = [
      await runCli(['show', executionIds[1] ?? '', '--events', '--json', '--server', served.url], { env }),
      await runCli(['executions', '--json', '--server', served.url], { env }),
      await runCli(['show', executionIds[1] ?? '', '--events', '--json', '--state-dir', stateDir], { env: store }),
    ];
    for (const output of outputs) {
      expect(output.code, output.stderr).toBe(0);
      for (const secret of SECRETS) expect(output.stdout + output.stderr).not.toContain(secret);
    }
  });
});
