/**
 * A manual approval is answered once, through a real `meridian serve` on each store: a Reject
 * then an Approve 50 ms later fails the execution and the Approve gets 409 naming the Reject;
 * of 10 answers at once exactly one is stored and answered 2xx, nine get 409, and the
 * execution ends as the stored answer says; `meridian approve` after a rejection exits non-zero
 * with who rejected and when, against the server and on the state itself; a retried stage is a
 * new wait with its own first answer; a comment with CR/LF or other control characters is
 * refused with 400 and records nothing.
 */
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const definition = (repo: string): string => `pipeline: gated
sources:
  src: { git: ${repo} }
stages:
  - name: Gate
    actions:
      - { name: go, uses: approval }
  - name: Deploy
    actions:
      - name: ship
        uses: commands
        inputs: [src]
        commands: ['echo deployed']
`;

interface Refusal {
  error: { code: string; message: string };
  answer?: { status: string; by: string; at: string };
}

interface StoredAnswer {
  status: string;
  by: string;
  at: string;
}

const STORES = [
  { name: 'SQLite', available: true },
  { name: 'PostgreSQL', available: hasPostgres },
] as const;

describe.each(STORES)('an approval answered once on $name', ({ name, available }) => {
  let served: Served;
  let stateDir: string;
  let env: Record<string, string>;
  let alice: string;
  let bob: string;
  /** Every answer the store holds for the execution's approval `go`, oldest first. */
  let storedAnswers: (executionId: string) => Promise<StoredAnswer[]>;

  beforeAll(async () => {
    if (!available) return;
    const dir = tempDir();
    stateDir = path.join(dir, 'state');
    writeFiles(dir, { 'p.yaml': definition(makeRepo({ 'README.md': 'x' })) });
    const url = name === 'PostgreSQL' ? await freshDatabase() : '';
    env = { MERIDIAN_DB: url };
    const token = async (who: string): Promise<string> =>
      (await runCli(['tokens', 'create', '--role', 'operator', '--name', who, '--state-dir', stateDir], { env })).stdout.trim();
    alice = await token('alice');
    bob = await token('bob');
    served = await startServe(['-f', path.join(dir, 'p.yaml'), '--state-dir', stateDir], env);
    const query = 'select status, "by", at from approvals where execution_id = $1 and action = $2 order by at';
    storedAnswers = async (executionId) => {
      if (url === '') {
        const sqlite = new SqliteDatabase(path.join(stateDir, 'state.db'), { readonly: true });
        try {
          return sqlite.prepare(query.replace('$1', '?').replace('$2', '?')).all(executionId, 'go') as StoredAnswer[];
        } finally {
          sqlite.close();
        }
      }
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<StoredAnswer>(query, [executionId, 'go'])).rows;
      } finally {
        await client.end();
      }
    };
  });
  afterAll(async () => {
    await served?.stop();
  });

  /** Starts an execution and waits until its approval waits. */
  async function waitingExecution(): Promise<string> {
    const { executionId } = (await served.api<{ executionId: string }>('POST', '/api/pipelines/gated/executions', {})).body;
    await eventually(
      async () => (await served.api<Summary>('GET', `/api/executions/${executionId}`)).body.stages[1]?.actions[0]?.status === 'Waiting',
      30_000,
      'the approval to wait',
    );
    return executionId;
  }

  const answer = (id: string, status: 'Approved' | 'Rejected', token: string, comment?: string) =>
    served.api<Refusal>('POST', `/api/executions/${id}/approvals/go`, { status, ...(comment === undefined ? {} : { comment }) }, token);

  it.skipIf(!available)('a Reject then an Approve 50 ms later: the rejection stands, the Approve gets 409 naming it, nothing deploys', async () => {
    const id = await waitingExecution();
    const rejecting = answer(id, 'Rejected', alice, 'not tonight');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const approving = answer(id, 'Approved', bob, 'ship it');
    const [rejected, approved] = await Promise.all([rejecting, approving]);
    expect(rejected.status).toBe(200);
    expect(approved.status).toBe(409);
    expect(approved.body.error.code).toBe('CONFLICT');
    const stored = await storedAnswers(id);
    expect(stored).toEqual([{ status: 'Rejected', by: 'alice', at: expect.any(String) }]);
    expect(approved.body.error.message).toBe(`go was already rejected by alice at ${stored[0]?.at}; the first answer stands and this one is not recorded`);
    expect(approved.body.answer).toEqual({ status: 'Rejected', by: 'alice', at: stored[0]?.at, comment: 'not tonight' });

    const summary = await ended(served, id);
    expect(summary.status).toBe('Failed');
    expect(summary.stages[1]?.actions[0]?.status).toBe('Failed');
    expect(summary.stages[2]?.actions[0]?.status).not.toBe('Succeeded');
    const events = await served.api<Array<{ type: string; description: string }>>('GET', `/api/executions/${id}/events`);
    expect(events.body.filter((e) => e.type === 'approval').map((e) => e.description)).toEqual(['go rejected by alice: not tonight']);
  });

  it.skipIf(!available)('10 answers at once: one stored and answered 2xx, nine 409 naming it, and the execution ends as it says', async () => {
    const id = await waitingExecution();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => answer(id, i % 2 === 0 ? 'Approved' : 'Rejected', i % 3 === 0 ? alice : bob, `answer ${i}`)),
    );
    const accepted = answers.filter((a) => a.status >= 200 && a.status < 300);
    const refused = answers.filter((a) => a.status === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(9);
    const stored = await storedAnswers(id);
    expect(stored).toHaveLength(1);
    const first = stored[0]!;
    expect(accepted[0]?.body).toMatchObject({ status: first.status, by: first.by });
    for (const refusal of refused) expect(refusal.body.answer).toMatchObject({ status: first.status, by: first.by, at: first.at });

    const summary = await ended(served, id);
    expect(summary.status).toBe(first.status === 'Approved' ? 'Succeeded' : 'Failed');
    expect(summary.stages[2]?.actions[0]?.status === 'Succeeded').toBe(first.status === 'Approved');
  });

  it.skipIf(!available)('meridian approve after a rejection exits non-zero naming who rejected and when, against the server and on the state', async () => {
    const id = await waitingExecution();
    expect((await answer(id, 'Rejected', alice, 'no')).status).toBe(200);
    const [rejection] = await storedAnswers(id);
    // Refused as a second answer, or (once the rejection has failed the action) as an answer to an ended wait: both name the first.
    const said = `rejected by alice at ${rejection?.at}`;

    const remote = await runCli(['approve', id, 'go', '--server', served.url], { env: { ...env, MERIDIAN_TOKEN: bob } });
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain(said);
    // On the state itself, from another process beside serve.
    const local = await runCli(['approve', id, 'go', '--by', 'carol', '--state-dir', stateDir], { env });
    expect(local.code).toBe(2);
    expect(local.stderr).toContain(said);

    expect((await ended(served, id)).status).toBe('Failed');
    expect(await storedAnswers(id)).toHaveLength(1);
  });

  it.skipIf(!available)('a rejected wait stays answered, and a retry of its stage is a new wait that takes its own first answer', async () => {
    const id = await waitingExecution();
    expect((await answer(id, 'Rejected', alice, 'not yet')).status).toBe(200);
    expect((await ended(served, id)).status).toBe('Failed');
    // The ended wait: refused as today, naming the answer it had.
    const late = await answer(id, 'Approved', bob);
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/^go is Failed, not waiting for approval \(its last wait was rejected by alice at .*\)/);

    expect((await served.api('POST', `/api/executions/${id}/retry`, { stage: 'Gate' }, alice)).status).toBe(200);
    await eventually(
      async () => (await served.api<Summary>('GET', `/api/executions/${id}`)).body.stages[1]?.actions[0]?.status === 'Waiting',
      30_000,
      'the retried approval to wait',
    );
    expect((await answer(id, 'Approved', bob, 'now')).status).toBe(200);
    expect((await answer(id, 'Rejected', alice)).body.error.message).toContain('go was already approved by bob at ');
    expect((await ended(served, id)).status).toBe('Succeeded');
    expect((await storedAnswers(id)).map((a) => `${a.status} ${a.by}`)).toEqual(['Rejected alice', 'Approved bob']);
  });

  it.skipIf(!available)('a comment with CR, LF or another control character is refused with 400 and records nothing', async () => {
    const id = await waitingExecution();
    for (const comment of ['fine\nmeridian: go approved by admin', 'fine\r', 'fine\u001b[2K', 'fine\u2028']) {
      const refused = await answer(id, 'Rejected', alice, comment);
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('an approval comment is one line of printable text');
    }
    const local = await runCli(['reject', id, 'go', '--by', 'eve\nmeridian: approved', '--state-dir', stateDir], { env });
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('must be one line of printable text');
    expect(await storedAnswers(id)).toEqual([]);
    expect((await answer(id, 'Approved', bob, 'all good')).status).toBe(200);
    expect((await ended(served, id)).status).toBe('Succeeded');
  });
});
