/**
 * Tokens and roles on every route: the test walks the server's own route table, so a route
 * added without a role, or with the wrong one, fails here. Real HTTP on 127.0.0.1 against the
 * server built in this process over a real state dir.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meridian } from '../../src/meridian.js';
import { openMeridian } from '../../src/cli/open-meridian.js';
import { loadForRun } from '../../src/cli/load.js';
import { PipelineCatalog } from '../../src/server/pipeline-catalog.js';
import { AGENT_TOKEN_CACHE_MS } from '../../src/server/auth.js';
import { buildServer, type RouteInfo } from '../../src/server/server.js';
import { TokenStore } from '../../src/stores/tokens/token-store.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const ADMIN = 'admin-from-env';

describe('API tokens and roles', () => {
  let meridian: Meridian;
  let app: FastifyInstance;
  let routes: RouteInfo[];
  let base: string;
  const tokens: Record<string, string> = {};
  let stateDir: string;

  beforeAll(async () => {
    const dir = tempDir();
    const repo = makeRepo({ 'README.md': 'x' });
    writeFiles(dir, {
      'p.yaml': `pipeline: demo\nsources:\n  src: { git: ${repo} }\nstages:\n  - name: Build\n    actions:\n      - { name: b, uses: commands, inputs: [src], commands: ['true'] }\n`,
    });
    stateDir = path.join(dir, 'state');
    // Tokens made by the CLI, as an operator would.
    for (const role of ['viewer', 'operator', 'admin']) {
      const made = await runCli(['tokens', 'create', '--role', role, '--name', `${role}-token`, '--state-dir', stateDir]);
      expect(made.code, made.stderr).toBe(0);
      expect(made.stderr).toContain('It is shown only now');
      tokens[role] = made.stdout.trim();
    }
    // An agent token, scoped to one region, as `meridian agent` uses it.
    const agent = await runCli(['tokens', 'create', '--role', 'agent', '--region', 'eu-west-1', '--name', 'agent-token', '--state-dir', stateDir]);
    expect(agent.code, agent.stderr).toBe(0);
    expect(agent.stderr).toContain('(agent in eu-west-1,');
    tokens.agent = agent.stdout.trim();
    meridian = await openMeridian(stateDir);
    const catalog = new PipelineCatalog([path.join(dir, 'p.yaml')], (file) => loadForRun(meridian, file, undefined));
    await catalog.loadAll();
    const built = await buildServer({
      core: meridian,
      catalog,
      settings: { adminToken: ADMIN, sourceOverrides: () => ({}), webhookBodyLimit: 1024 * 1024, webhookRateLimit: 1000 },
    });
    app = built.app;
    routes = built.routes;
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await meridian.close();
  });

  const call = async (route: RouteInfo, token?: string): Promise<number> => {
    const url = `${base}${route.url.replace(':name', 'demo').replace(':id', 'no-such-execution').replace(':action', 'b').replace(':pipeline', 'demo')}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(url, { method: route.method, headers, body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}' });
    await response.arrayBuffer();
    return response.status;
  };

  it("every /api route has a role; only health, metrics, webhooks and the dashboard's files are public", () => {
    const publicRoutes = routes.filter((r) => r.role === undefined).map((r) => `${r.method} ${r.url}`);
    expect(publicRoutes.sort()).toEqual(['GET /', 'GET /*', 'GET /healthz', 'GET /metrics', 'POST /webhooks/github/:pipeline']);
    expect(routes.filter((r) => r.url.startsWith('/api')).length).toBeGreaterThanOrEqual(14);
  });

  it('docs/server.md lists every route with its role', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/server.md', import.meta.url), 'utf8');
    for (const route of routes) {
      const role = route.role ?? 'public';
      expect(doc, `${route.method} ${route.url}`).toMatch(
        new RegExp(`\\| ${route.method} \\| \`${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\` \\| ${role}`),
      );
    }
  });

  it('refuses every /api route without a token or with an unknown one (401)', async () => {
    for (const route of routes.filter((r) => r.role !== undefined)) {
      expect(await call(route), `${route.method} ${route.url}`).toBe(401);
      expect(await call(route, 'not-a-token'), `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('gives each role exactly the routes of its rank (403 above it)', async () => {
    const rank = { viewer: 0, operator: 1, admin: 2 } as const;
    for (const route of routes.filter((r) => r.role !== undefined && r.role !== 'agent')) {
      for (const role of ['viewer', 'operator', 'admin'] as const) {
        const status = await call(route, tokens[role]);
        const allowed = rank[role] >= rank[route.role as keyof typeof rank];
        if (allowed) expect(status, `${role} ${route.method} ${route.url}`).not.toBe(403);
        else expect(status, `${role} ${route.method} ${route.url}`).toBe(403);
        expect(status).not.toBe(401);
      }
      expect(await call(route, ADMIN)).not.toBe(403);
      expect(await call(route, tokens.agent), `agent ${route.method} ${route.url}`).toBe(403);
    }
  });

  it('keeps the agent routes for agent tokens: every other role, even admin, gets 403', async () => {
    const agentRoutes = routes.filter((r) => r.role === 'agent');
    expect(agentRoutes.length).toBeGreaterThanOrEqual(10);
    for (const route of agentRoutes) {
      for (const token of [tokens.viewer, tokens.operator, tokens.admin, ADMIN]) expect(await call(route, token), `${route.method} ${route.url}`).toBe(403);
      const status = await call(route, tokens.agent);
      expect(status, `agent ${route.method} ${route.url}`).not.toBe(403);
      expect(status).not.toBe(401);
    }
  });

  it('takes ?token= only on the live streams a browser EventSource opens; every other route refuses it (401)', async () => {
    const streams = ['GET /api/executions/:id/stream', 'GET /api/executions/:id/logs'];
    const withQueryToken = async (route: RouteInfo, token: string, header?: string): Promise<{ status: number; message: string }> => {
      const url = `${base}${route.url.replace(':name', 'demo').replace(':id', 'no-such-execution').replace(':action', 'b').replace(':pipeline', 'demo')}`;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (header !== undefined) headers.authorization = `Bearer ${header}`;
      const response = await fetch(`${url}?token=${encodeURIComponent(token)}`, {
        method: route.method,
        headers,
        body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}',
      });
      const text = await response.text();
      return { status: response.status, message: text.startsWith('{') ? ((JSON.parse(text) as { error?: { message: string } }).error?.message ?? '') : '' };
    };
    const withRoles = routes.filter((r) => r.role !== undefined);
    expect(withRoles.filter((r) => streams.includes(`${r.method} ${r.url}`)).length).toBe(streams.length);
    for (const route of withRoles) {
      const name = `${route.method} ${route.url}`;
      const token = route.role === 'agent' ? tokens.agent! : ADMIN;
      if (streams.includes(name)) {
        // The stream's execution does not exist: past the token, it is 404.
        expect((await withQueryToken(route, tokens.viewer!)).status, name).toBe(404);
        continue;
      }
      const refused = await withQueryToken(route, token);
      expect(refused.status, name).toBe(401);
      expect(refused.message, name).toContain('send Authorization: Bearer');
      // Not even beside a good header: the URL with the token is what leaks.
      expect((await withQueryToken(route, token, token)).status, name).toBe(401);
    }
  });

  it('refuses a token name with CR, LF or another control character (400), and makes no token', async () => {
    for (const name of ['ops\r\nINFO approved by admin', 'ops\nbot', 'ops\u0000bot', 'ops\u2029bot']) {
      const response = await fetch(`${base}/api/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, role: 'operator' }),
      });
      expect(response.status, JSON.stringify(name)).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
        'a token name is one line of printable text, without control characters',
      );
    }
    expect((await new TokenStore(meridian.db).list()).map((t) => t.name)).toEqual(['viewer-token', 'operator-token', 'admin-token', 'agent-token']);
  });

  it('a revoked token stops working, and only hashes are stored', async () => {
    const viewerRoute = routes.find((r) => r.url === '/api/pipelines' && r.method === 'GET')!;
    expect(await call(viewerRoute, tokens.viewer)).toBe(200);
    const revoked = await runCli(['tokens', 'revoke', 'viewer-token', '--state-dir', stateDir]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await call(viewerRoute, tokens.viewer)).toBe(401);
    const listed = await new TokenStore(meridian.db).list();
    expect(listed.map((t) => [t.name, t.revokedAt === null, t.region])).toEqual([
      ['viewer-token', false, null],
      ['operator-token', true, null],
      ['admin-token', true, null],
      ['agent-token', true, 'eu-west-1'],
    ]);
    // Only hashes are stored.
    const rows = await meridian.db.selectFrom('tokens').select('hash').execute();
    for (const row of rows) expect(Object.values(tokens)).not.toContain(row.hash);
  });

  it('a revoked agent token is refused within the second the server trusts it unchecked', async () => {
    const claim = routes.find((r) => r.url === '/api/agents/jobs/claim')!;
    expect(await call(claim, tokens.agent)).not.toBe(401);
    const revoked = await runCli(['tokens', 'revoke', 'agent-token', '--state-dir', stateDir]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const since = Date.now();
    while ((await call(claim, tokens.agent)) !== 401) {
      expect(Date.now() - since).toBeLessThan(AGENT_TOKEN_CACHE_MS + 2000);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});
