/**
 * Scale-out as issue 9 describes it, all real processes on 127.0.0.1: two `meridian serve`
 * replicas on one PostgreSQL database (and one shared state folder, standing in for shared
 * stores), and four `meridian agent`s, two per region, running every job (`--remote-regions`).
 *
 * - 300 executions started across both servers, through the API and by push webhooks (each
 *   delivered to both servers at once: one execution): each action leaves one marker file per
 *   run, and every action of every execution ran exactly once, none lost, all Succeeded.
 * - With the agents behind a load balancer, one server killed with SIGKILL mid-execution and
 *   one agent killed mid-action: the other server adopts the execution, the job held by the
 *   surviving agent keeps its lease (renewed through the other server) and runs once, and the
 *   dead agent's job runs again on the other agent of its region.
 */
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { makeAgentToken, startAgent, type StartedAgent } from '../helpers/agent.js';
import { eventually } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { startLoadBalancer, type LoadBalancer } from '../helpers/load-balancer.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const REGIONS = ['eu-west-1', 'us-east-1'];
const EXECUTIONS = 300;
const WEBHOOK_SECRET = 'scale-out-secret';

/** A signed GitHub push delivery of `head` to main. */
async function deliver(served: Served, head: string, delivery: string): Promise<{ status: number; body: { executionId?: string } }> {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    before: '0'.repeat(40),
    after: head,
    commits: [],
    head_commit: { id: head, message: 'Change' },
    repository: { name: 'scale', full_name: 'acme/scale' },
  });
  const response = await fetch(`${served.url}/webhooks/github/scale`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': delivery,
      'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as { executionId?: string } };
}

interface Cluster {
  dir: string;
  /** The commit a push webhook names. */
  head: string;
  db: Awaited<ReturnType<typeof connect>>;
  servers: [Served, Served];
  agents: StartedAgent[];
}

/** One connection for the test's own queries: polling with a new connection each time costs a backend start per poll. */
async function connect(url: string): Promise<{ rows<T>(text: string): Promise<T[]>; end(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return { rows: async <T>(text: string) => (await client.query(text)).rows as T[], end: () => client.end() };
}

describe.skipIf(!hasPostgres)('two servers and four agents on one PostgreSQL database', () => {
  const stops: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  /** Starts both servers, then two agents per region: `agentServer(i)` says which URL agent i talks to. */
  async function cluster(commands: string[], flags: string[], agentServer: (servers: [Served, Served], i: number) => Promise<string>): Promise<Cluster> {
    const url = await freshDatabase();
    const dir = tempDir();
    const marks = path.join(dir, 'marks');
    fs.mkdirSync(marks);
    const repo = makeRepo({ 'README.md': 'x' }, { branch: 'main' });
    writeFiles(dir, {
      'p.yaml': `pipeline: scale
home: eu-west-1
executionMode: PARALLEL
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
sources:
  src: { git: ${repo}, branch: main, webhook: { secret: ${WEBHOOK_SECRET} } }
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-mark", uses: commands, commands: ${JSON.stringify(commands.map((c) => c.replaceAll('__MARKS__', marks)))} }
`,
    });
    const stateDir = path.join(dir, 'state');
    const args = ['-f', path.join(dir, 'p.yaml'), '--state-dir', stateDir, '--db', url, '--remote-regions', REGIONS.join(','), '--agent-poll', '2', ...flags];
    const servers: Served[] = [];
    for (let i = 0; i < 2; i++) {
      const served = await startServe(args);
      stops.push(() => served.stop('SIGKILL'));
      servers.push(served);
    }
    const pair = servers as [Served, Served];
    const agents: StartedAgent[] = [];
    for (let i = 0; i < 4; i++) {
      const region = REGIONS[i % 2] ?? 'eu-west-1';
      const token = await makeAgentToken(stateDir, region, `agent-${String(i)}`, { MERIDIAN_DB: url });
      const agent = await startAgent(await agentServer(pair, i), region, token, path.join(dir, `agent-${String(i)}`), ['--concurrency', '4']);
      stops.push(() => agent.stop('SIGKILL'));
      agents.push(agent);
    }
    const db = await connect(url);
    stops.push(() => db.end());
    return { dir, db, servers: pair, agents, head: git(repo, 'rev-parse', 'HEAD') };
  }

  it(`runs ${String(EXECUTIONS)} executions started on either server, every action exactly once`, async () => {
    // Agents 0 and 1 (one per region) talk to the first server, 2 and 3 to the second.
    const { dir, db, servers, agents, head } = await cluster(['touch "__MARKS__/$MERIDIAN_EXECUTION_ID.$MERIDIAN_REGION.$$"'], [], (pair, i) =>
      Promise.resolve((i < 2 ? pair[0] : pair[1]).url),
    );
    const marks = path.join(dir, 'marks');
    const ids: string[] = [];
    let next = 0;
    const start = async (): Promise<void> => {
      while (next < EXECUTIONS) {
        const i = next++;
        const [one, other] = i % 2 === 0 ? servers : [servers[1], servers[0]];
        if (i % 3 === 2) {
          // A push delivered to both servers at once, as a redelivery may be: one execution.
          const delivery = randomUUID();
          const answers = await Promise.all([deliver(one, head, delivery), deliver(other, head, delivery)]);
          expect(answers.map((a) => a.status).sort()).toEqual([200, 202]);
          const started = answers.find((a) => a.status === 202)?.body.executionId;
          if (started !== undefined) ids.push(started);
          continue;
        }
        const { status, body } = await one.api<{ executionId: string }>('POST', '/api/pipelines/scale/executions', {});
        expect(status).toBe(201);
        ids.push(body.executionId);
      }
    };
    await Promise.all(Array.from({ length: 16 }, start));
    expect(new Set(ids).size).toBe(EXECUTIONS);
    await eventually(
      async () =>
        (await db.rows<{ n: string }>(`select count(*) as n from executions where status not in ('InProgress', 'Stopping')`))[0]?.n === String(EXECUTIONS),
      540_000,
      'every execution to end',
    );

    // Actions that did not succeed, with why, say more than a count when this fails.
    const failed = await db.rows<{ name: string; status: string; error: string | null }>(
      `select name, status, error from action_executions where status <> 'Succeeded'`,
    );
    expect(failed).toEqual([]);
    const statuses = await db.rows<{ status: string; n: string }>('select status, count(*) as n from executions group by status');
    expect(statuses).toEqual([{ status: 'Succeeded', n: String(EXECUTIONS) }]);
    // One job per action (source and two regions), each the first attempt.
    const jobs = await db.rows<{ n: string; attempts: number }>('select count(*) as n, max(attempt) as attempts from jobs');
    expect(jobs).toEqual([{ n: String(EXECUTIONS * 3), attempts: 1 }]);
    // One marker per execution and region: no action ran twice, none was lost.
    const files = fs.readdirSync(marks);
    expect(files).toHaveLength(EXECUTIONS * 2);
    const runs = new Set(files.map((f) => f.split('.').slice(0, 2).join('.')));
    expect(runs).toEqual(new Set(ids.flatMap((id) => REGIONS.map((region) => `${id}.${region}`))));
    // Every agent took part.
    for (const agent of agents) expect(agent.ran().length).toBeGreaterThan(0);
  }, 600_000);

  it('one server killed mid-execution and one agent killed mid-action: the other server and agent finish it', async () => {
    const balancers: LoadBalancer[] = [];
    const { dir, db, servers, agents } = await cluster(
      ['echo "$MERIDIAN_REGION $PPID" >> __MARKS__/started', 'for i in $(seq 1200); do [ -f __MARKS__/go ] && break; sleep 0.1; done'],
      ['--lease', '9', '--replica-timeout', '3'],
      async (pair) => {
        if (!balancers[0]) {
          const balancer = await startLoadBalancer(pair.map((s) => s.url));
          stops.push(() => balancer.close());
          balancers.push(balancer);
        }
        return balancers[0]?.url ?? '';
      },
    );
    const marks = path.join(dir, 'marks');
    stops.push(() => Promise.resolve(fs.writeFileSync(path.join(marks, 'go'), '')));
    const started = (): string[][] =>
      fs.existsSync(path.join(marks, 'started'))
        ? fs
            .readFileSync(path.join(marks, 'started'), 'utf8')
            .trim()
            .split('\n')
            .map((l) => l.split(' '))
        : [];
    const [doomed, survivor] = servers;
    const { executionId: id } = (await doomed.api<{ executionId: string }>('POST', '/api/pipelines/scale/executions', {})).body;
    await eventually(() => started().length === 2, 60_000, 'both regions to start');
    const pidIn = (region: string): string | undefined => started().find(([r]) => r === region)?.[1];
    const lostAgent = agents.find((a) => String(a.child.pid) === pidIn('us-east-1'));
    const keptAgent = agents.find((a) => String(a.child.pid) === pidIn('eu-west-1'));
    expect(lostAgent?.region).toBe('us-east-1');
    await doomed.stop('SIGKILL');
    await lostAgent?.stop('SIGKILL');

    // The other us-east-1 agent runs the lost job again once its lease runs out.
    const otherUs = agents.find((a) => a.region === 'us-east-1' && a !== lostAgent);
    await eventually(
      () => started().some(([r, pid]) => r === 'us-east-1' && pid === String(otherUs?.child.pid)),
      90_000,
      'the other us-east-1 agent to run the lost job',
    );
    fs.writeFileSync(path.join(marks, 'go'), '');
    const summary: Summary = await ended(survivor, id, 90_000);
    expect(summary.status).toBe('Succeeded');
    const attempts = Object.fromEntries(summary.stages.flatMap((s) => s.actions).map((a) => [a.name, a.attempts]));
    expect(attempts).toEqual({ src: 1, 'eu-west-1-mark': 1, 'us-east-1-mark': 2 });
    // The surviving eu-west-1 agent kept its job through the other server: it ran once.
    expect(
      started()
        .filter(([r]) => r === 'eu-west-1')
        .map(([, pid]) => pid),
    ).toEqual([String(keptAgent?.child.pid)]);
    const events = (await survivor.api<Array<{ description: string }>>('GET', `/api/executions/${id}/events`)).body.map((e) => e.description);
    const owner = (await db.rows<{ owner: string }>('select owner from replicas'))
      .map((r) => r.owner)
      .find((o) => o.split(':')[1] === String(survivor.child.pid));
    expect(events).toContain(`Execution resumed by ${owner ?? '?'}`);
    // The dead agent's job was handed on once, whether its lease ran out first or the adopting
    // server saw its process gone; the surviving agent's job was not.
    expect(events.filter((e) => / running it again /.test(e))).toEqual([
      expect.stringMatching(/^us-east-1-mark (was interrupted|lost its agent); running it again \(attempt 2\)$/),
    ]);
  }, 240_000);
});
