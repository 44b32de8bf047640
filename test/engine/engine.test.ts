import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../src/domain/pipeline.js';
import { Engine } from '../../src/engine/engine.js';
import type { Clock } from '../../src/lib/clock.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { BACKENDS, type Backend } from '../helpers/state-backends.js';
import { testPipeline } from '../helpers/pipeline.js';

function action(name: string, runOrder = 1): Action {
  return {
    name,
    type: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
    runOrder,
    region: 'local',
    configuration: {},
    inputArtifacts: [],
    outputArtifacts: [],
    commands: ['true'],
  };
}

const pipeline = testPipeline({
  name: 'engine-test',
  regions: [{ name: 'local', timezone: 'UTC', store: { kind: 'folder', location: 'stores/local' } }],
  stages: [
    { name: 'One', actions: [action('a'), action('b'), action('c', 2)] },
    { name: 'Two', actions: [action('d')] },
  ],
  executionMode: 'SUPERSEDED',
});

/** A clock tests move by hand: every read is one millisecond later. */
function steppingClock(): Clock {
  let now = Date.parse('2026-11-27T10:00:00.000Z');
  return { now: () => new Date((now += 1)) };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

let backend: Backend = BACKENDS[0]!;

async function makeEngine(): Promise<{ engine: Engine; store: StateStore }> {
  const { db } = await backend.open();
  closers.push(() => db.destroy());
  const store = new StateStore(db);
  return { engine: new Engine({ store, clock: steppingClock(), owner: 'test-host:1:abc' }), store };
}

const context = { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} };

// The engine's whole contract, over each state store.
describe.each(BACKENDS)('Engine on $name', (store) => {
  beforeAll(() => {
    backend = store;
  });
  if (!store.available) it.skip('needs a PostgreSQL server (.ci/run installs one)', () => undefined);
  else describeEngine();
});

function describeEngine(): void {
  it('queues the first runOrder of the first stage as jobs, and moves on as agents report', async () => {
    const { engine, store } = await makeEngine();
    const id = await engine.start(pipeline, { type: 'cli' }, context);
    let queued = await store.jobs(store.db, id, 'queued');
    expect(queued.map((j) => j.actionIndex)).toEqual([0, 1]);
    for (const job of queued) await engine.completeJob(job, { status: 'Succeeded', outputVariables: { X: '1' } });
    queued = await store.jobs(store.db, id, 'queued');
    expect(queued.map((j) => [j.stageIndex, j.actionIndex])).toEqual([[0, 2]]);
    await engine.completeJob(queued[0]!, { status: 'Succeeded' });
    const last = await store.jobs(store.db, id, 'queued');
    expect(last.map((j) => [j.stageIndex, j.actionIndex])).toEqual([[1, 0]]);
    await engine.completeJob(last[0]!, { status: 'Succeeded' });
    const snapshot = await store.snapshot(store.db, id);
    expect(snapshot.execution.status).toBe('Succeeded');
    expect(snapshot.actions.every((a) => a.attempts === 1)).toBe(true);
    const events = await store.events(store.db, id);
    expect(events.map((e) => e.type)).toContain('execution-finished');
    expect(events.at(-1)?.description).toBe('Execution succeeded');
  });

  it('a late report for a job that was already settled changes nothing', async () => {
    const { engine, store } = await makeEngine();
    const id = await engine.start(pipeline, { type: 'cli' }, context);
    const [job] = await store.jobs(store.db, id, 'queued');
    await engine.completeJob(job!, { status: 'Failed', error: { code: 'ACTION_FAILED', message: 'first' } });
    await engine.completeJob(job!, { status: 'Succeeded' });
    const record = await store.getAction(store.db, { executionId: id, stageIndex: 0, actionIndex: 0 });
    expect(record.status).toBe('Failed');
    expect(record.error?.message).toBe('first');
  });

  it('an interrupted job is run again when its provider is safe to repeat, or fails "interrupted" when not', async () => {
    const { engine, store } = await makeEngine();
    const id = await engine.start(pipeline, { type: 'cli' }, context);
    const [a, b] = await store.jobs(store.db, id, 'queued');
    await engine.recoverJob(a!, true);
    const again = (await store.jobs(store.db, id, 'queued')).find((j) => j.actionIndex === 0);
    expect(again?.attempt).toBe(2);
    await engine.recoverJob(b!, false);
    const failed = await store.getAction(store.db, { executionId: id, stageIndex: 0, actionIndex: 1 });
    expect(failed.status).toBe('Failed');
    expect(failed.error).toMatchObject({ code: 'INTERRUPTED' });
    expect(failed.error?.message).toContain(`meridian retry ${id}`);
    await engine.completeJob(again!, { status: 'Succeeded' });
    expect((await store.getExecution(store.db, id)).status).toBe('Failed');
    // An operator retries the failed stage: only the interrupted action runs again, same execution.
    await engine.retry(id, { mode: 'failed' });
    const retried = await store.jobs(store.db, id, 'queued');
    expect(retried.map((j) => [j.actionIndex, j.attempt])).toEqual([[1, 2]]);
  });

  it('refuses to retry an execution that succeeded, and to stop one that ended', async () => {
    const { engine, store } = await makeEngine();
    const id = await engine.start({ ...pipeline, stages: [{ name: 'Only', actions: [action('a')] }] }, { type: 'cli' }, context);
    const [job] = await store.jobs(store.db, id, 'queued');
    await engine.completeJob(job!, { status: 'Succeeded' });
    await expect(engine.retry(id, { mode: 'failed' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(engine.requestStop(id, false)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
}
