/**
 * Two `meridian serve` replicas on one PostgreSQL database (and one shared state folder,
 * standing in for shared stores): executions started on either run to the end with every
 * job run once, both replicas doing work; a replica killed mid-action is noticed when its
 * heartbeat stops, and the other adopts its execution.
 */
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

describe.skipIf(!hasPostgres)('several servers on one PostgreSQL database', () => {
  const servers: Served[] = [];
  afterEach(async () => {
    for (const served of servers.splice(0)) await served.stop('SIGKILL');
  });

  // A short replica timeout makes adoption quick to test; under load it also makes a slow
  // replica look dead, so only the adoption test uses one.
  async function setup(commands: string[], replicaTimeout = 15): Promise<{ args: string[]; url: string }> {
    const url = await freshDatabase();
    const repo = makeRepo({ 'README.md': 'x' });
    const dir = tempDir();
    writeFiles(dir, {
      'p.yaml': `pipeline: shared
executionMode: PARALLEL
sources:
  src: { git: ${repo} }
stages:
  - name: Build
    actions:
${['a', 'b', 'c'].map((name) => `      - { name: ${name}, uses: commands, inputs: [src], commands: ${JSON.stringify(commands)} }`).join('\n')}
`,
    });
    return { args: ['-f', path.join(dir, 'p.yaml'), '--state-dir', path.join(dir, 'state'), '--db', url, '--replica-timeout', String(replicaTimeout)], url };
  }

  it('shares the work of executions started on either replica, running every job once', async () => {
    const { args, url } = await setup(['sleep 0.3']);
    const one = await startServe(args);
    servers.push(one);
    const two = await startServe(args);
    servers.push(two);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const via = i % 2 === 0 ? one : two;
      ids.push((await via.api<{ executionId: string }>('POST', '/api/pipelines/shared/executions', {})).body.executionId);
    }
    for (const id of ids) {
      const summary = await ended(i(one, two, id), id);
      expect(summary.status).toBe('Succeeded');
      for (const action of summary.stages.flatMap((s) => s.actions)) expect(action.attempts).toBe(1);
    }
    const jobs = await query<{ execution_id: string; stage_index: number; action_index: number; attempt: number; lease_owner: string }>(
      url,
      'select execution_id, stage_index, action_index, attempt, lease_owner from jobs',
    );
    expect(jobs).toHaveLength(6 * 4);
    const keys = jobs.map((j) => `${j.execution_id}/${j.stage_index}/${j.action_index}/${j.attempt}`);
    expect(new Set(keys).size).toBe(jobs.length);
    // Both replicas claimed jobs.
    expect(new Set(jobs.map((j) => j.lease_owner)).size).toBe(2);
  }, 90_000);

  it('adopts the executions of a replica that died, once its heartbeat stops', async () => {
    const { args, url } = await setup(['sleep 2'], 3);
    const doomed = await startServe(args);
    servers.push(doomed);
    // The doomed replica alone holds the execution and its jobs when it dies mid-action.
    const { executionId } = (await doomed.api<{ executionId: string }>('POST', '/api/pipelines/shared/executions', {})).body;
    await eventually(
      async () => (await doomed.api<Summary>('GET', `/api/executions/${executionId}`)).body.stages[1]?.actions.some((a) => a.status === 'InProgress'),
      30_000,
      'Build to start',
    );
    await doomed.stop('SIGKILL');
    // Its heartbeat is still fresh when the survivor starts: it adopts once the heartbeat is stale.
    const survivor = await startServe(args);
    servers.push(survivor);
    const summary = await ended(survivor, executionId, 60_000);
    expect(summary.status).toBe('Succeeded');
    const events = (await survivor.api<Array<{ description: string }>>('GET', `/api/executions/${executionId}/events`)).body.map((e) => e.description);
    expect(events.join('\n')).toMatch(/Execution resumed by /);
    // Once it owns nothing unfinished, the leader forgets the dead replica's heartbeat row.
    const owners = async (): Promise<string[]> => (await query<{ owner: string }>(url, 'select owner from replicas')).map((row) => row.owner);
    await eventually(async () => (await owners()).length === 1, 30_000, "the dead replica's row to be pruned");
    expect((await query<{ owner: string }>(url, `select owner from executions where id = '${executionId}'`))[0]?.owner ?? null).toBeNull();
  }, 90_000);
});

/** Either replica answers for any execution: the database is shared. */
function i(one: Served, two: Served, id: string): Served {
  return id.charCodeAt(0) % 2 === 0 ? one : two;
}
