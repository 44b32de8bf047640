import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Action, Pipeline, Region } from '../../src/domain/pipeline.js';
import { Engine } from '../../src/engine/engine.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { fakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { testPipeline } from '../helpers/pipeline.js';
import { openSqliteEngine } from '../helpers/sqlite-engine.js';
import { tempDir } from '../helpers/temp.js';

const nightly = (name: string, timezone: string, windows = 'daily 01:00-05:00'): Region => ({
  name,
  timezone,
  store: { kind: 'folder', location: `stores/${name}` },
  windows: [{ effect: 'allow', schedule: windows }],
});

function deploy(region: string, extra: Partial<Action> = {}): Action {
  return {
    name: `${region}-deploy`,
    type: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
    runOrder: 1,
    region,
    configuration: {},
    inputArtifacts: [],
    outputArtifacts: [],
    commands: ['true'],
    ...extra,
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

function followTheNight(overrides: Partial<Pipeline> = {}, actions?: Action[]): Pipeline {
  return testPipeline({
    name: 'night',
    homeRegion: 'eu-west-1',
    regions: [nightly('eu-west-1', 'Europe/Dublin'), nightly('us-east-1', 'America/New_York'), nightly('ap-southeast-2', 'Australia/Sydney')],
    stages: [
      { name: 'Source', actions: [source] },
      { name: 'Deploy', actions: actions ?? [deploy('eu-west-1'), deploy('us-east-1'), deploy('ap-southeast-2')] },
    ],
    windowPolicy: 'always',
    ...overrides,
  });
}

const context = { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} };
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function open(stateDir: string, clock: FakeClock): Promise<{ engine: Engine; store: StateStore; close: () => Promise<void> }> {
  return openSqliteEngine(stateDir, clock, 'test-host:1:windows', closers);
}

/** Runs the source action (its commit message decides whether the execution is disruptive). */
async function runSource(engine: Engine, store: StateStore, id: string, commitMessage = 'fix a typo'): Promise<void> {
  const [job] = await store.jobs(store.db, id, 'queued');
  await engine.completeJob(job!, { status: 'Succeeded', outputVariables: { CommitMessage: commitMessage } });
}

async function deployStatuses(store: StateStore, id: string): Promise<Record<string, string>> {
  const snapshot = await store.snapshot(store.db, id);
  return Object.fromEntries(snapshot.actions.filter((a) => a.stageIndex === 1).map((a) => [a.region, a.status]));
}

describe("actions wait for their region's window", () => {
  it('three regions start in the order their nights begin, across a restart, with DST in Dublin', async () => {
    const stateDir = path.join(tempDir(), 'state');
    // Saturday 2026-03-28 noon UTC: Dublin springs forward at 01:00 GMT on Sunday the 29th.
    const clock = fakeClock('2026-03-28T12:00:00.000Z');
    const first = await open(stateDir, clock);
    const id = await first.engine.start(followTheNight(), { type: 'cli' }, context);
    await runSource(first.engine, first.store, id);
    expect(await deployStatuses(first.store, id)).toEqual({ 'eu-west-1': 'Waiting', 'us-east-1': 'Waiting', 'ap-southeast-2': 'Waiting' });
    const snapshot = await first.store.snapshot(first.store.db, id);
    const opensAt = Object.fromEntries(snapshot.actions.filter((a) => a.stageIndex === 1).map((a) => [a.region, a.opensAt]));
    expect(opensAt).toEqual({
      'ap-southeast-2': '2026-03-28T14:00:00.000Z', // 01:00 AEDT (UTC+11)
      'eu-west-1': '2026-03-29T01:00:00.000Z', // 01:00 is skipped in Dublin: the window opens at the jump
      'us-east-1': '2026-03-29T05:00:00.000Z', // 01:00 EDT (UTC-4)
    });
    expect(first.engine.nextWindowWake([id])?.toISOString()).toBe('2026-03-28T14:00:00.000Z');
    const waiting = (await first.store.events(first.store.db, id)).filter((e) => e.type === 'action-waiting');
    expect(waiting).toHaveLength(3);
    expect(waiting.find((e) => e.data?.region === 'ap-southeast-2')?.data).toMatchObject({
      waitingFor: 'window',
      opensAt: '2026-03-28T14:00:00.000Z',
      closesAt: '2026-03-28T18:00:00.000Z',
    });

    // Nothing changes before a window opens, and judging again records nothing new.
    clock.set('2026-03-28T13:59:59.999Z');
    await first.engine.advance(id);
    expect(await first.store.jobs(first.store.db, id, 'queued')).toEqual([]);
    expect((await first.store.events(first.store.db, id)).filter((e) => e.type === 'action-waiting')).toHaveLength(3);

    clock.set('2026-03-28T14:00:00.000Z');
    await first.engine.advance(id);
    const [sydney] = await first.store.jobs(first.store.db, id, 'queued');
    expect(await deployStatuses(first.store, id)).toEqual({ 'eu-west-1': 'Waiting', 'us-east-1': 'Waiting', 'ap-southeast-2': 'InProgress' });
    await first.engine.completeJob(sydney!, { status: 'Succeeded' });

    // The process ends while two regions wait; the wait is in the store, not in memory.
    await first.close();
    clock.set('2026-03-29T00:59:59.000Z');
    const second = await open(stateDir, clock);
    await second.engine.advance(id);
    expect(await second.store.jobs(second.store.db, id, 'queued')).toEqual([]);
    expect(second.engine.nextWindowWake([id])?.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    clock.set('2026-03-29T01:00:00.000Z');
    await second.engine.advance(id);
    expect(await deployStatuses(second.store, id)).toEqual({ 'eu-west-1': 'InProgress', 'us-east-1': 'Waiting', 'ap-southeast-2': 'Succeeded' });
    clock.set('2026-03-29T05:00:00.000Z');
    await second.engine.advance(id);
    for (const job of await second.store.jobs(second.store.db, id, 'queued')) await second.engine.completeJob(job, { status: 'Succeeded' });
    const done = await second.store.snapshot(second.store.db, id);
    expect(done.execution.status).toBe('Succeeded');
    const started = (await second.store.events(second.store.db, id)).filter((e) => e.type === 'action-started' && e.stage === 'Deploy');
    expect(started.map((e) => [e.at, e.action])).toEqual([
      ['2026-03-28T14:00:00.000Z', 'ap-southeast-2-deploy'],
      ['2026-03-29T01:00:00.000Z', 'eu-west-1-deploy'],
      ['2026-03-29T05:00:00.000Z', 'us-east-1-deploy'],
    ]);
    // Dublin's window that night is 3 real hours long (01:00 GMT to 05:00 IST).
    expect(started[1]?.description).toContain('until 2026-03-29T04:00:00.000Z');
  });

  it('once the window has closed, no gated action starts until the next one', async () => {
    const clock = fakeClock('2026-11-04T04:59:00.000Z'); // Wednesday, 23:59 in New York
    const { engine, store } = await open(path.join(tempDir(), 'state'), clock);
    const pipeline = followTheNight(
      { regions: [nightly('eu-west-1', 'UTC', 'daily 00:00-24:00'), nightly('us-east-1', 'America/New_York', 'Mon-Fri 22:00-24:00')] },
      [deploy('us-east-1'), deploy('us-east-1', { name: 'second', runOrder: 2 })],
    );
    const id = await engine.start(pipeline, { type: 'cli' }, context);
    await runSource(engine, store, id);
    const [firstJob] = await store.jobs(store.db, id, 'queued');
    expect(firstJob?.actionIndex).toBe(0);
    clock.set('2026-11-04T05:01:00.000Z'); // the window closed while the first action ran
    await engine.completeJob(firstJob!, { status: 'Succeeded' });
    const second = (await store.snapshot(store.db, id)).actions.find((a) => a.name === 'second');
    expect(second?.status).toBe('Waiting');
    expect(second?.opensAt).toBe('2026-11-05T03:00:00.000Z'); // Thursday 22:00 EST
    expect(second?.waitingReason).toContain('outside Mon-Fri 22:00-24:00');
  });
});

describe('DST in the engine', () => {
  it('New York: a window starting in the skipped hour opens at the jump; Sydney: the fall-back night has five hours', async () => {
    const clock = fakeClock('2026-03-07T12:00:00.000Z');
    const { engine, store } = await open(path.join(tempDir(), 'state'), clock);
    const regions = [nightly('eu-west-1', 'UTC', 'daily 00:00-24:00'), nightly('us-east-1', 'America/New_York', 'Sun 02:30-04:00')];
    const id = await engine.start(followTheNight({ regions }, [deploy('us-east-1')]), { type: 'cli' }, context);
    await runSource(engine, store, id);
    // 2026-03-08 02:00 EST jumps to 03:00 EDT: 02:30 does not exist, the window opens at 07:00Z.
    expect((await store.snapshot(store.db, id)).actions[1]?.opensAt).toBe('2026-03-08T07:00:00.000Z');
    clock.set('2026-03-08T07:00:00.000Z');
    await engine.advance(id);
    const started = (await store.events(store.db, id)).find((e) => e.type === 'action-started' && e.action === 'us-east-1-deploy');
    expect(started?.description).toBe('us-east-1-deploy (us-east-1) started: its window is open until 2026-03-08T08:00:00.000Z');

    const sydney = [nightly('eu-west-1', 'UTC', 'daily 00:00-24:00'), nightly('ap-southeast-2', 'Australia/Sydney')];
    clock.set('2026-04-04T12:00:00.000Z');
    const second = await engine.start(
      followTheNight({ regions: sydney }, [deploy('ap-southeast-2', { expectedDurationMs: 4.5 * 3_600_000 })]),
      { type: 'cli' },
      context,
    );
    await runSource(engine, store, second);
    // 2026-04-05 03:00 AEDT falls back to 02:00 AEST: 01:00-05:00 lasts five hours, so 4h30 fits that night.
    expect((await store.snapshot(store.db, second)).actions[1]?.opensAt).toBe('2026-04-04T14:00:00.000Z');
    clock.set('2026-04-04T14:00:00.000Z');
    await engine.advance(second);
    const night = (await store.events(store.db, second)).find((e) => e.type === 'action-started' && e.action === 'ap-southeast-2-deploy');
    expect(night?.description).toBe('ap-southeast-2-deploy (ap-southeast-2) started: its window is open until 2026-04-04T19:00:00.000Z');
  });
});

describe('the fit check', () => {
  it('holds an action whose declared duration does not fit the rest of the window, for the next one that fits', async () => {
    const clock = fakeClock('2026-11-02T01:10:00.000Z'); // Monday
    const { engine, store } = await open(path.join(tempDir(), 'state'), clock);
    const regions = [nightly('eu-west-1', 'UTC', 'Mon 01:00-02:00, Tue 01:00-05:00')];
    const pipeline = followTheNight({ regions }, [deploy('eu-west-1', { expectedDurationMs: 90 * 60_000 })]);
    const id = await engine.start(pipeline, { type: 'cli' }, context);
    await runSource(engine, store, id);
    const action = (await store.snapshot(store.db, id)).actions[1];
    expect(action?.status).toBe('Waiting');
    expect(action?.opensAt).toBe('2026-11-03T01:00:00.000Z');
    expect(action?.waitingReason).toBe(
      'window: the window closes at 2026-11-02T02:00:00.000Z, too soon for 1h30m (expected duration and bake); held for the next window that fits; opens at 2026-11-03T01:00:00.000Z',
    );
    clock.set('2026-11-03T01:00:00.000Z');
    await engine.advance(id);
    expect((await store.jobs(store.db, id, 'queued')).map((j) => j.actionIndex)).toEqual([0]);
  });

  it('adds the bake time of the rollout, and says so when no window is ever long enough', async () => {
    const clock = fakeClock('2026-11-02T00:00:00.000Z');
    const { engine, store } = await open(path.join(tempDir(), 'state'), clock);
    const pipeline = followTheNight(
      { regions: [nightly('eu-west-1', 'UTC', 'daily 01:00-02:00')], rollout: { waves: [['eu-west-1']], bakeMs: 45 * 60_000, checks: [], rollback: 'region' } },
      [deploy('eu-west-1', { expectedDurationMs: 30 * 60_000 })],
    );
    const id = await engine.start(pipeline, { type: 'cli' }, context);
    await runSource(engine, store, id);
    const action = (await store.snapshot(store.db, id)).actions[1];
    expect(action?.status).toBe('Waiting');
    expect(action?.opensAt).toBeNull();
    expect(action?.waitingReason).toBe('window: no window in the next year fits 1h15m (expected duration and bake); the longest window is 1h');
  });

  it("estimates an undeclared duration by the median of the action's last successful runs", async () => {
    const clock = fakeClock('2026-11-02T01:00:00.000Z');
    const { engine, store } = await open(path.join(tempDir(), 'state'), clock);
    const pipeline = followTheNight({ regions: [nightly('eu-west-1', 'UTC', 'daily 01:00-03:00')] }, [deploy('eu-west-1')]);
    // Earlier executions took 20, 100 and 110 minutes: the median, 100 minutes, is the estimate.
    for (const minutes of [20, 100, 110]) {
      const id = await engine.start(pipeline, { type: 'cli' }, context);
      await runSource(engine, store, id);
      const [job] = await store.jobs(store.db, id, 'queued');
      clock.advance(minutes * 60_000);
      await engine.completeJob(job!, { status: 'Succeeded' });
      clock.set('2026-11-02T01:00:00.000Z');
    }
    clock.set('2026-11-02T01:30:00.000Z'); // 90 minutes left: not enough for 100
    const id = await engine.start(pipeline, { type: 'cli' }, context);
    await runSource(engine, store, id);
    const action = (await store.snapshot(store.db, id)).actions[1];
    expect(action?.status).toBe('Waiting');
    expect(action?.waitingReason).toContain('too soon for 1h40m');
    expect(action?.opensAt).toBe('2026-11-03T01:00:00.000Z');
  });
});

describe('when windows apply', () => {
  it('disruptive-only: a plain execution goes straight through; --disruptive or a Deploy-Window trailer waits', async () => {
    const clock = fakeClock('2026-11-02T12:00:00.000Z');
    const { engine, store } = await open(path.join(tempDir(), 'state'), clock);
    const pipeline = followTheNight({ windowPolicy: 'disruptive-only' });
    const plain = await engine.start(pipeline, { type: 'cli' }, context);
    await runSource(engine, store, plain);
    expect(Object.values(await deployStatuses(store, plain))).toEqual(['InProgress', 'InProgress', 'InProgress']);

    const flagged = await engine.start(pipeline, { type: 'cli' }, { ...context, disruptive: true });
    await runSource(engine, store, flagged);
    expect(Object.values(await deployStatuses(store, flagged))).toEqual(['Waiting', 'Waiting', 'Waiting']);

    const trailer = await engine.start(pipeline, { type: 'cli' }, context);
    await runSource(engine, store, trailer, 'Migrate the ledger table\n\nRewrites every row.\n\nDeploy-Window: required\nSigned-off-by: A <a@example.com>');
    expect(Object.values(await deployStatuses(store, trailer))).toEqual(['Waiting', 'Waiting', 'Waiting']);

    const mention = await engine.start(pipeline, { type: 'cli' }, context);
    await runSource(engine, store, mention, 'Deploy-Window: required is only a trailer in the last paragraph');
    expect(Object.values(await deployStatuses(store, mention))).toEqual(['InProgress', 'InProgress', 'InProgress']);
  });

  it('never gates source, build and approval actions, even in a region with windows', async () => {
    const clock = fakeClock('2026-11-02T12:00:00.000Z');
    const { engine, store } = await open(path.join(tempDir(), 'state'), clock);
    const build: Action = { ...deploy('eu-west-1'), name: 'build', type: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' } };
    const id = await engine.start(followTheNight({}, [build]), { type: 'cli' }, context);
    await runSource(engine, store, id);
    expect(await deployStatuses(store, id)).toEqual({ 'eu-west-1': 'InProgress' });
  });
});

describe('overrides and stops', () => {
  it('an operator override starts the waiting action now and records who, when and why', async () => {
    const clock = fakeClock('2026-11-02T12:00:00.000Z');
    const { engine, store } = await open(path.join(tempDir(), 'state'), clock);
    const id = await engine.start(followTheNight(), { type: 'cli' }, context);
    await runSource(engine, store, id);
    clock.set('2026-11-02T12:05:00.000Z');
    expect(await engine.overrideWindow(id, 'us-east-1', 'alice', 'hotfix for incident 42')).toEqual(['us-east-1-deploy']);
    await engine.advance(id);
    expect(await deployStatuses(store, id)).toEqual({ 'eu-west-1': 'Waiting', 'us-east-1': 'InProgress', 'ap-southeast-2': 'Waiting' });
    const events = await store.events(store.db, id);
    const override = events.find((e) => e.type === 'window-override');
    expect(override).toMatchObject({
      at: '2026-11-02T12:05:00.000Z',
      data: { region: 'us-east-1', by: 'alice', reason: 'hotfix for incident 42', actions: ['us-east-1-deploy'] },
    });
    expect(override?.description).toBe('Window of us-east-1 overridden by alice (starts us-east-1-deploy): hotfix for incident 42');
    const started = events.find((e) => e.type === 'action-started' && e.action === 'us-east-1-deploy');
    expect(started?.description).toBe('us-east-1-deploy (us-east-1) started: window overridden by alice: hotfix for incident 42');
    await expect(engine.overrideWindow(id, 'mars-1', 'alice', 'x')).rejects.toThrow('has no region mars-1');
  });

  it('a stop ends the actions that wait for a window', async () => {
    const clock = fakeClock('2026-11-02T12:00:00.000Z');
    const { engine, store } = await open(path.join(tempDir(), 'state'), clock);
    const id = await engine.start(followTheNight(), { type: 'cli' }, context);
    await runSource(engine, store, id);
    await engine.requestStop(id, false, 'not tonight');
    await engine.advance(id);
    const snapshot = await store.snapshot(store.db, id);
    expect(snapshot.execution.status).toBe('Stopped');
    expect(Object.values(await deployStatuses(store, id))).toEqual(['Stopped', 'Stopped', 'Stopped']);
  });
});
