/**
 * Emergency halts in the engine, on each state store: a halt of a region holds that region's
 * deploy steps (Waiting, waitingFor `halt`, the reason naming who, when and why) while other
 * regions and non-deploy steps go on; lifting it starts them; a halt of every region holds
 * every region; of two halts of one scope at once one is recorded and the other refused; the
 * halt and its lifting are events of the executions in progress; a halt wins over a window
 * override. Jobs are completed by hand, as an agent would report them.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import type { Action, Pipeline, Region } from '../../src/domain/pipeline.js';
import { Engine } from '../../src/engine/engine.js';
import { activeHalts, haltHistory } from '../../src/stores/state/halt-records.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { fakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { testPipeline } from '../helpers/pipeline.js';
import { BACKENDS, type Backend } from '../helpers/state-backends.js';

const OWNER = 'test-host:1:halts';
const context = { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} };

function region(name: string, windows?: string): Region {
  return {
    name,
    timezone: 'UTC',
    store: { kind: 'folder', location: `stores/${name}` },
    ...(windows ? { windows: [{ effect: 'allow' as const, schedule: windows }] } : {}),
  };
}

function deploy(regionName: string): Action {
  return {
    name: `${regionName}-deploy`,
    type: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
    runOrder: 1,
    region: regionName,
    configuration: {},
    inputArtifacts: [],
    outputArtifacts: [],
    commands: ['true'],
  };
}

const source: Action = {
  name: 'src',
  type: { category: 'Source', owner: 'Meridian', provider: 'Git', version: '1' },
  runOrder: 1,
  region: 'eu-west-1',
  configuration: {},
  inputArtifacts: [],
  outputArtifacts: ['src'],
};

/** Source, then a deploy step in each of two regions; `windows` closes us-east-1 until 2030. */
function twoRegions(windows = false): Pipeline {
  return testPipeline({
    name: 'halted',
    homeRegion: 'eu-west-1',
    regions: [region('eu-west-1'), region('us-east-1', windows ? '2030-01-01 to 2030-01-02' : undefined)],
    stages: [
      { name: 'Source', actions: [source] },
      { name: 'Deploy', actions: [deploy('eu-west-1'), deploy('us-east-1')] },
    ],
    ...(windows ? { windowPolicy: 'always' as const } : {}),
  });
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

let backend: Backend = BACKENDS[0]!;

async function open(clock: FakeClock): Promise<{ engine: Engine; store: StateStore }> {
  const { db } = await backend.open();
  closers.push(() => db.destroy());
  const store = new StateStore(db);
  return { engine: new Engine({ store, clock, owner: OWNER }), store };
}

async function completeQueued(engine: Engine, store: StateStore, id: string): Promise<string[]> {
  const jobs = await store.jobs(store.db, id, 'queued');
  for (const job of jobs) await engine.completeJob(job, { status: 'Succeeded' });
  const snapshot = await store.snapshot(store.db, id);
  return jobs.map((job) => snapshot.actions.find((a) => a.stageIndex === job.stageIndex && a.actionIndex === job.actionIndex)?.name ?? '?');
}

async function deploys(store: StateStore, id: string): Promise<Record<string, { status: string; waitingFor: string | null; reason: string | null }>> {
  const snapshot = await store.snapshot(store.db, id);
  return Object.fromEntries(
    snapshot.actions.filter((a) => a.stageIndex === 1).map((a) => [a.region, { status: a.status, waitingFor: a.waitingFor, reason: a.waitingReason }]),
  );
}

async function caught(promise: Promise<unknown>): Promise<MeridianError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof MeridianError)) throw new Error(`expected a MeridianError, got ${String(error)}`);
  return error;
}

describe.each(BACKENDS)('emergency halts on $name', (store) => {
  beforeAll(() => {
    backend = store;
  });
  if (!store.available) it.skip('needs a PostgreSQL server (.ci/run installs one)', () => undefined);
  else describeHalts();
});

function describeHalts(): void {
  it('a halt of one region holds its deploy step while the other region deploys; lifting it starts the step', async () => {
    const clock = fakeClock('2026-12-07T10:00:00.000Z');
    const { engine, store } = await open(clock);
    const id = await engine.start(twoRegions(), { type: 'cli' }, context);

    const { halt, executions } = await engine.halt({ region: 'us-east-1', by: 'alice', reason: 'the us database is failing over' });
    expect(halt).toMatchObject({ region: 'us-east-1', by: 'alice', reason: 'the us database is failing over', at: '2026-12-07T10:00:00.000Z', lifted: null });
    expect(executions).toEqual([id]);

    // The source step is no deploy step: it goes on. Then eu-west-1 deploys and us-east-1 is held.
    expect(await completeQueued(engine, store, id)).toEqual(['src']);
    expect(await store.jobs(store.db, id, 'queued')).toHaveLength(1);
    const held = await deploys(store, id);
    expect(held['eu-west-1']?.status).toBe('InProgress');
    expect(held['us-east-1']).toMatchObject({ status: 'Waiting', waitingFor: 'halt' });
    expect(held['us-east-1']?.reason).toContain('halted by alice at 2026-12-07T10:00:00.000Z: the us database is failing over');
    expect(held['us-east-1']?.reason).toContain('meridian unhalt --region us-east-1');
    expect(await completeQueued(engine, store, id)).toEqual(['eu-west-1-deploy']);

    // Advancing changes nothing while the halt stands.
    clock.advance(60_000);
    await engine.advance(id);
    expect(await store.jobs(store.db, id, 'queued')).toEqual([]);
    expect((await store.snapshot(store.db, id)).execution.status).toBe('InProgress');

    clock.advance(60_000);
    const lifted = await engine.liftHalt({ region: 'us-east-1', by: 'bob', reason: 'failover done' });
    expect(lifted.halt.lifted).toEqual({ by: 'bob', reason: 'failover done', at: '2026-12-07T10:02:00.000Z' });
    // This engine drives the execution: the lift advanced it, so the held step started.
    expect((await deploys(store, id))['us-east-1']).toMatchObject({ status: 'InProgress', waitingFor: null });
    expect(await completeQueued(engine, store, id)).toEqual(['us-east-1-deploy']);
    expect((await store.snapshot(store.db, id)).execution.status).toBe('Succeeded');
    expect(await activeHalts(store.db)).toEqual([]);

    const events = await store.events(store.db, id);
    const halted = events.find((e) => e.type === 'halt');
    expect(halted?.data).toMatchObject({
      region: 'us-east-1',
      by: 'alice',
      reason: 'the us database is failing over',
      at: '2026-12-07T10:00:00.000Z',
      actions: ['us-east-1-deploy'],
    });
    expect(halted?.description).toBe(
      'Deploys to us-east-1 are halted by alice: the us database is failing over; holds us-east-1-deploy until it is lifted (`meridian unhalt --region us-east-1`)',
    );
    const liftedEvent = events.find((e) => e.type === 'halt-lifted');
    expect(liftedEvent?.data).toMatchObject({
      region: 'us-east-1',
      by: 'bob',
      reason: 'failover done',
      at: '2026-12-07T10:02:00.000Z',
      actions: ['us-east-1-deploy'],
      halted: { by: 'alice' },
    });
    expect(liftedEvent?.description).toContain('lifted by bob: failover done; us-east-1-deploy may start');
    const waiting = events.find((e) => e.type === 'action-waiting' && e.action === 'us-east-1-deploy');
    expect(waiting?.description).toContain('us-east-1-deploy (us-east-1) is halted: deploys to us-east-1 halted by alice');
    expect(waiting?.data).toMatchObject({ waitingFor: 'halt' });
    // In order: halted, held, lifted, started.
    const order = events.filter((e) => ['halt', 'halt-lifted'].includes(e.type) || e.action === 'us-east-1-deploy').map((e) => e.type);
    expect(order).toEqual(['halt', 'action-waiting', 'halt-lifted', 'action-started', 'action-finished']);
  });

  it('a halt of every region holds every deploy step; lifting it lets all of them start', async () => {
    const clock = fakeClock('2026-12-07T10:00:00.000Z');
    const { engine, store } = await open(clock);
    await engine.halt({ region: null, by: 'alice', reason: 'incident 42' });
    const id = await engine.start(twoRegions(), { type: 'cli' }, context);
    expect(await completeQueued(engine, store, id)).toEqual(['src']);
    const held = await deploys(store, id);
    expect(Object.values(held).map((a) => [a.status, a.waitingFor])).toEqual([
      ['Waiting', 'halt'],
      ['Waiting', 'halt'],
    ]);
    expect(held['eu-west-1']?.reason).toContain(
      'deploys to every region halted by alice at 2026-12-07T10:00:00.000Z: incident 42; lift with `meridian unhalt`',
    );

    // A halt of one region while every region is halted is another scope: it is recorded.
    clock.advance(60_000);
    await engine.halt({ region: 'eu-west-1', by: 'carol', reason: 'eu too, to be sure' });
    const lifted = await engine.liftHalt({ region: null, by: 'bob', reason: 'incident over' });
    expect(lifted.executions).toEqual([id]);
    // eu-west-1 stays held by its own halt, now named in its reason; us-east-1 starts.
    const after = await deploys(store, id);
    expect(after['us-east-1']?.status).toBe('InProgress');
    expect(after['eu-west-1']).toMatchObject({ status: 'Waiting', waitingFor: 'halt' });
    expect(after['eu-west-1']?.reason).toContain('halted by carol');
    await engine.liftHalt({ region: 'eu-west-1', by: 'bob', reason: 'eu is fine' });
    expect((await completeQueued(engine, store, id)).sort()).toEqual(['eu-west-1-deploy', 'us-east-1-deploy']);
    expect((await store.snapshot(store.db, id)).execution.status).toBe('Succeeded');
    // The history keeps both, newest first, with who lifted them.
    expect((await haltHistory(store.db)).map((h) => [h.region, h.by, h.lifted?.by])).toEqual([
      ['eu-west-1', 'carol', 'bob'],
      [null, 'alice', 'bob'],
    ]);
  });

  it('two halts of one scope at once: one is recorded, the other refused naming who, when and why', async () => {
    const clock = fakeClock('2026-12-07T10:00:00.000Z');
    const { engine, store } = await open(clock);
    const other = new Engine({ store, clock, owner: 'test-host:2:halts' });
    const outcomes = await Promise.allSettled([
      engine.halt({ region: 'us-east-1', by: 'alice', reason: 'first' }),
      other.halt({ region: 'us-east-1', by: 'bob', reason: 'second' }),
    ]);
    const recorded = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(recorded).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const winner = recorded[0]!.value.halt;
    const error = refused[0]!.reason as MeridianError;
    expect(error).toBeInstanceOf(MeridianError);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain(`deploys to us-east-1 are already halted by ${winner.by} at 2026-12-07T10:00:00.000Z: ${winner.reason}`);
    expect(error.details.halt).toMatchObject({ id: winner.id });
    expect((await activeHalts(store.db)).map((h) => h.id)).toEqual([winner.id]);
    expect(await haltHistory(store.db)).toHaveLength(1);

    // Lifting what is not halted, and asking badly, are refused too.
    const notHalted = await caught(engine.liftHalt({ region: 'eu-west-1', by: 'bob', reason: 'nothing there' }));
    expect(notHalted.code).toBe('NOT_FOUND');
    expect(notHalted.message).toContain(`active halts: us-east-1 (by ${winner.by}`);
    expect((await caught(engine.halt({ region: null, by: 'alice', reason: '  ' }))).code).toBe('BAD_INPUT');
    expect((await caught(engine.halt({ region: '*', by: 'alice', reason: 'star' }))).code).toBe('BAD_INPUT');
    const unknown = await caught(engine.halt({ region: 'us-east1', by: 'alice', reason: 'typo', knownRegions: ['us-east-1', 'eu-west-1'] }));
    expect(unknown.code).toBe('BAD_INPUT');
    expect(unknown.message).toContain('known regions: eu-west-1, us-east-1');
  });

  it('only executions in progress record the halt', async () => {
    const clock = fakeClock('2026-12-07T10:00:00.000Z');
    const { engine, store } = await open(clock);
    const done = await engine.start(twoRegions(), { type: 'cli' }, context);
    while ((await completeQueued(engine, store, done)).length > 0);
    expect((await store.snapshot(store.db, done)).execution.status).toBe('Succeeded');
    const running = await engine.start(twoRegions(), { type: 'cli' }, context);
    const { executions } = await engine.halt({ region: null, by: 'alice', reason: 'incident' });
    expect(executions).toEqual([running]);
    expect((await store.events(store.db, done)).filter((e) => e.type === 'halt')).toEqual([]);
    expect((await store.events(store.db, running)).filter((e) => e.type === 'halt')).toHaveLength(1);
  });

  it('a halt wins over a window override', async () => {
    const clock = fakeClock('2026-12-07T10:00:00.000Z');
    const { engine, store } = await open(clock);
    const id = await engine.start(twoRegions(true), { type: 'cli' }, context);
    expect(await completeQueued(engine, store, id)).toEqual(['src']);
    expect((await deploys(store, id))['us-east-1']).toMatchObject({ status: 'Waiting', waitingFor: 'window' });

    await engine.halt({ region: 'us-east-1', by: 'alice', reason: 'bad release' });
    // The halt re-judged the step that waited for its window: now it is halted.
    expect((await deploys(store, id))['us-east-1']).toMatchObject({ status: 'Waiting', waitingFor: 'halt' });
    expect(await engine.overrideWindow(id, 'us-east-1', 'carol', 'ship it anyway')).toEqual([]);
    await engine.advance(id);
    expect((await deploys(store, id))['us-east-1']).toMatchObject({ status: 'Waiting', waitingFor: 'halt' });
    expect((await store.jobs(store.db, id, 'queued')).map((j) => j.region)).toEqual(['eu-west-1']);

    // Once lifted, the override lets the step start although its window is closed.
    await engine.liftHalt({ region: 'us-east-1', by: 'alice', reason: 'fixed' });
    expect((await deploys(store, id))['us-east-1']?.status).toBe('InProgress');
    const started = (await store.events(store.db, id)).find((e) => e.type === 'action-started' && e.action === 'us-east-1-deploy');
    expect(started?.description).toBe('us-east-1-deploy (us-east-1) started: window overridden by carol: ship it anyway');
    await completeQueued(engine, store, id);
    expect((await store.snapshot(store.db, id)).execution.status).toBe('Succeeded');
  });
}
