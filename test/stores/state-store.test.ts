/**
 * The state store's contract on both stores: job claims under concurrency (PostgreSQL:
 * FOR UPDATE SKIP LOCKED across connections), execution order, stage positions; and the
 * PostgreSQL store's schema checks.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/domain/pipeline.js';
import { openPostgres } from '../../src/stores/state/postgres/open-postgres.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { runCli } from '../helpers/cli.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { testPipeline } from '../helpers/pipeline.js';
import { BACKENDS } from '../helpers/state-backends.js';

const pipeline = (name: string): Pipeline =>
  testPipeline({
    name,
    homeRegion: 'eu-west-1',
    stages: [
      {
        name: 'Only',
        actions: [
          {
            name: 'a',
            type: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
            runOrder: 1,
            region: 'eu-west-1',
            configuration: {},
            inputArtifacts: [],
            outputArtifacts: [],
          },
        ],
      },
    ],
    executionMode: 'SUPERSEDED',
    file: '/nowhere.yaml',
  });
const context = { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe.each(BACKENDS)('state store on $name', (backend) => {
  const open = async (): Promise<StateStore> => {
    const { db } = await backend.open();
    closers.push(() => db.destroy());
    return new StateStore(db);
  };

  it.skipIf(!backend.available)('gives every queued job to exactly one of several concurrent claimers', async () => {
    const store = await open();
    const executionId = randomUUID();
    await store.transaction((tx) =>
      store.createExecution(tx, {
        id: executionId,
        pipeline: pipeline('claims'),
        trigger: { type: 'cli' },
        context,
        at: '2026-11-27T10:00:00.000Z',
        owner: 'me',
      }),
    );
    for (let i = 0; i < 60; i++) {
      await store.enqueueJobs(store.db, [
        {
          id: randomUUID(),
          executionId,
          stageIndex: 0,
          actionIndex: 0,
          attempt: i + 1,
          region: i % 2 === 0 ? 'eu-west-1' : 'us-east-1',
          createdAt: `2026-11-27T10:00:${String(i).padStart(2, '0')}.000Z`,
        },
      ]);
    }
    const claimed: string[] = [];
    const claimer = async (owner: string, regions?: string[]): Promise<void> => {
      for (;;) {
        const job = await store.claimJob(owner, regions ? { regions } : {});
        if (!job) return;
        claimed.push(job.id);
      }
    };
    await Promise.all([claimer('a'), claimer('b'), claimer('c', ['eu-west-1']), claimer('d', ['us-east-1'])]);
    expect(claimed).toHaveLength(60);
    expect(new Set(claimed).size).toBe(60);
    expect(await store.jobs(store.db, executionId, 'queued')).toEqual([]);
  });

  it.skipIf(!backend.available)('numbers executions in the order they were created, and reports where each stands', async () => {
    const store = await open();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = randomUUID();
      ids.push(id);
      await store.transaction((tx) =>
        store.createExecution(tx, { id, pipeline: pipeline('order'), trigger: { type: 'cli' }, context, at: '2026-11-27T10:00:00.000Z', owner: `owner-${i}` }),
      );
    }
    const positions = await store.positions(store.db, 'order');
    expect(positions.map((p) => p.id)).toEqual(ids);
    expect(positions.map((p) => p.seq)).toEqual([...positions.map((p) => p.seq)].sort((a, b) => a - b));
    expect(positions[0]).toMatchObject({ status: 'InProgress', owner: 'owner-0', stages: ['Pending'] });
    expect((await store.listExecutions(store.db, { pipeline: 'order' })).map((e) => e.id)).toEqual([...ids].reverse());
  });

  it.skipIf(!backend.available)("keeps a stage's reason while it is Failed, and forgets it when it starts again", async () => {
    const store = await open();
    const id = randomUUID();
    await store.transaction((tx) =>
      store.createExecution(tx, { id, pipeline: pipeline('reasons'), trigger: { type: 'cli' }, context, at: '2026-11-27T10:00:00.000Z', owner: 'me' }),
    );
    expect((await store.snapshot(store.db, id)).stages[0]?.error).toBeNull();
    const error = {
      code: 'HEALTH_CHECK_FAILED',
      message: 'health check failed during the bake of wave 1: GET http://127.0.0.1:1/health in eu-west-1: no answer',
      regions: ['eu-west-1'],
      rollback: [{ region: 'eu-west-1', execution: null }],
    };
    await store.setStageStatus(store.db, id, 0, 'Failed', '2026-11-27T10:01:00.000Z', error);
    expect((await store.snapshot(store.db, id)).stages[0]).toMatchObject({ status: 'Failed', endedAt: '2026-11-27T10:01:00.000Z', error });
    await store.setStageStatus(store.db, id, 0, 'InProgress', '2026-11-27T10:02:00.000Z');
    expect((await store.snapshot(store.db, id)).stages[0]).toMatchObject({ status: 'InProgress', error: null });
  });
});

describe.skipIf(!hasPostgres)('the PostgreSQL schema', () => {
  it('is migrated by `meridian migrate`, and a newer schema is refused', async () => {
    const url = await freshDatabase();
    const before = await runCli(['migrate', '--db', url, '--status']);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toMatch(/0 applied, pending: 001-core, /);
    const migrated = await runCli(['migrate', '--db', url]);
    expect(migrated.stdout).toMatch(/^Applied 001-core, 002-action-reports, /);
    expect((await runCli(['migrate', '--db', url])).stdout).toMatch(/is up to date/);

    const db = await openPostgres(url);
    await sql`insert into kysely_migration (name, timestamp) values ('999-from-the-future', '2027-01-01T00:00:00Z')`.execute(db);
    await db.destroy();
    await expect(openPostgres(url)).rejects.toThrow(/has a newer schema \(migrations 999-from-the-future\) than this Meridian knows/);
    const refused = await runCli(['executions', '--state-dir', '/tmp'], { env: { MERIDIAN_DB: url } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('newer schema');
    // The password never reaches a message.
    await expect(openPostgres(url.replace('postgres@', 'postgres:hunter2@').replace(/:\d+\//, ':1/'))).rejects.toThrow(/postgres:\*\*\*@127\.0\.0\.1:1\//);
  });
});
