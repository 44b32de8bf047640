/**
 * A replica that stalls (SIGSTOP) longer than the replica timeout, while its own agent runs a
 * job, on one PostgreSQL database with a second replica: the other deposes it as leader and
 * adopts its execution, but leaves the job to the lease it holds — after SIGCONT the stalled
 * replica finishes it, and it ran once. A replica stalled past its job's lease loses the job:
 * the other runs it again, and finishes the execution once the stalled one is killed.
 *
 * The action appends the pid of the server that ran it (its parent) to a file, then waits
 * for a `go` file, so the test decides when it ends instead of sleeping.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { ended, startServe, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

interface Setup {
  args: string[];
  url: string;
  /** Lines of `started`: the pid of the server whose agent started each attempt. */
  starts(): string[];
  go(): void;
}

function setup(url: string, lease: number): Setup {
  const dir = tempDir();
  const marks = path.join(dir, 'marks');
  fs.mkdirSync(marks);
  const wait = `for i in $(seq 1200); do [ -f ${marks}/go ] && break; sleep 0.1; done`;
  writeFiles(dir, {
    'p.yaml': `pipeline: stall
sources:
  src: { git: ${makeRepo({ 'README.md': 'x' })} }
stages:
  - name: Deploy
    actions:
      - { name: slow, uses: commands, inputs: [src], commands: ${JSON.stringify([`echo $PPID >> ${marks}/started`, wait])} }
`,
  });
  return {
    args: ['-f', path.join(dir, 'p.yaml'), '--state-dir', path.join(dir, 'state'), '--db', url, '--replica-timeout', '2', '--lease', String(lease)],
    url,
    starts: () => (fs.existsSync(path.join(marks, 'started')) ? fs.readFileSync(path.join(marks, 'started'), 'utf8').trim().split('\n') : []),
    go: () => fs.writeFileSync(path.join(marks, 'go'), ''),
  };
}

/**
 * Stops `served` at a moment none of the database's sessions is inside a transaction: a
 * replica stopped in the middle of one would hold its execution's row lock until it wakes,
 * and the adoption this test waits for would wait with it.
 */
async function stopBetweenTransactions(served: Served, url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await eventually(
      async () => {
        served.child.kill('SIGSTOP');
        const busy = await client.query(`select 1 from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'`);
        if (busy.rowCount === 0) return true;
        served.child.kill('SIGCONT');
        await new Promise((resolve) => setTimeout(resolve, 50));
        return false;
      },
      30_000,
      'a moment between transactions',
    );
  } finally {
    await client.end();
  }
}

async function descriptions(served: Served, id: string): Promise<string[]> {
  return (await served.api<Array<{ description: string }>>('GET', `/api/executions/${id}/events`)).body.map((e) => e.description);
}

describe.skipIf(!hasPostgres)('a replica that stalls', () => {
  const servers: Served[] = [];
  const cleanups: Array<() => void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    for (const served of servers.splice(0)) await served.stop('SIGKILL');
  });

  /** The stalled replica alone starts the execution and runs its job (and leads); then the other joins. */
  async function stallMidAction(lease: number): Promise<{ stalled: Served; other: Served; id: string; marks: Setup }> {
    const marks = setup(await freshDatabase(), lease);
    cleanups.push(() => marks.go());
    const stalled = await startServe(marks.args);
    servers.push(stalled);
    const { executionId: id } = (await stalled.api<{ executionId: string }>('POST', '/api/pipelines/stall/executions', {})).body;
    await eventually(() => marks.starts().length === 1, 60_000, 'slow to start');
    const other = await startServe(marks.args);
    servers.push(other);
    await stopBetweenTransactions(stalled, marks.url);
    return { stalled, other, id, marks };
  }

  it('keeps a job whose lease is still renewed: adopted, not run again, finished by the replica that woke', async () => {
    const { stalled, other, id, marks } = await stallMidAction(120);
    // The other replica takes over as leader and adopts the execution...
    const adopter = await ownerOf(marks.url, other);
    await eventually(async () => (await descriptions(other, id)).includes(`Execution resumed by ${adopter}`), 60_000, 'the other replica to adopt');
    stalled.child.kill('SIGCONT');
    marks.go();
    const summary = await ended(other, id, 60_000);
    expect(summary.status).toBe('Succeeded');
    // ...but the job stayed with the lease its holder renewed: it ran once, on the stalled replica.
    expect(summary.stages[1]?.actions[0]?.attempts).toBe(1);
    expect(marks.starts()).toEqual([String(stalled.child.pid)]);
    const events = await descriptions(other, id);
    expect(events.filter((e) => /lost its agent|was interrupted|stopped renewing/.test(e))).toEqual([]);
  }, 180_000);

  it('hands on a job whose lease ran out while its replica was stopped; the other replica finishes the execution', async () => {
    const { stalled, other, id, marks } = await stallMidAction(4);
    // Read now: once the stalled replica is gone and owns nothing, the leader forgets its row.
    const lapsed = await ownerOf(marks.url, stalled);
    // Past the lease, the other replica runs the job again (the stalled one may have died).
    await eventually(() => marks.starts().length === 2, 60_000, 'the job to run again');
    expect(marks.starts()).toEqual([String(stalled.child.pid), String(other.child.pid)]);
    await stalled.stop('SIGKILL');
    marks.go();
    const summary = await ended(other, id, 60_000);
    expect(summary.status).toBe('Succeeded');
    expect(summary.stages[1]?.actions[0]?.attempts).toBe(2);
    const events = await descriptions(other, id);
    expect(events).toContain(`Execution resumed by ${await ownerOf(marks.url, other)}`);
    expect(events.some((e) => /^slow \(\S+\): agent /.test(e) && e.includes(`${lapsed} stopped renewing its lease`))).toBe(true);
  }, 180_000);
});

/** The owner id a replica writes on what it drives and holds (`host:pid:nonce`), from its heartbeat row. */
async function ownerOf(url: string, served: Served): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = (await client.query<{ owner: string }>('select owner from replicas')).rows;
    const owner = rows.map((r) => r.owner).find((o) => o.split(':')[1] === String(served.child.pid));
    if (owner === undefined) throw new Error(`no replica with pid ${String(served.child.pid)}`);
    return owner;
  } finally {
    await client.end();
  }
}
