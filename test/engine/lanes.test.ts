/**
 * Region lanes in the engine (domain/region-lanes.ts) on a fake clock, with the seed's shape:
 * one Deploy stage, three regions, each with its own infrastructure / prepare / activate
 * steps in runOrders 1-3, and `Mon-Fri 01:00-05:00` in each region's own zone.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Action, LaneFailurePolicy, Pipeline, Region } from '../../src/domain/pipeline.js';
import { Engine } from '../../src/engine/engine.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { TERMINAL_EXECUTION } from '../../src/domain/execution.js';
import { fakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { testPipeline } from '../helpers/pipeline.js';
import { openSqliteEngine } from '../helpers/sqlite-engine.js';
import { tempDir } from '../helpers/temp.js';

const night = (name: string, timezone: string): Region => ({
  name,
  timezone,
  store: { kind: 'folder', location: `stores/${name}` },
  windows: [{ effect: 'allow', schedule: 'Mon-Fri 01:00-05:00' }],
});
const REGIONS = [night('eu-west-1', 'Europe/Dublin'), night('us-east-1', 'America/New_York'), night('ap-southeast-2', 'Australia/Sydney')];
const STEPS = ['infrastructure', 'prepare', 'activate'];
const MINUTES = 60_000;

function step(region: string, runOrder: number, extra: Partial<Action> = {}): Action {
  return {
    name: `${region}-${STEPS[runOrder - 1] ?? runOrder}`,
    type: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
    runOrder,
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
  homeByDefault: true,
  configuration: {},
  inputArtifacts: [],
  outputArtifacts: ['src'],
};

function seedShape(overrides: Partial<Pipeline> = {}, deploy?: Action[], lanes?: { onLaneFailure?: LaneFailurePolicy; lanes?: 'region' | 'stage' }): Pipeline {
  const actions = deploy ?? REGIONS.flatMap((r) => [1, 2, 3].map((n) => step(r.name, n)));
  return testPipeline({
    name: 'seed',
    homeRegion: 'eu-west-1',
    regions: REGIONS,
    stages: [
      { name: 'Source', actions: [source] },
      { name: 'Deploy', actions, ...lanes },
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

interface Meridian {
  engine: Engine;
  store: StateStore;
  close: () => Promise<void>;
}

function open(stateDir: string, clock: FakeClock): Promise<Meridian> {
  return openSqliteEngine(stateDir, clock, `test-host:${process.pid}:lanes`, closers);
}

interface Drive {
  /** How long an action's job runs on the clock. */
  durationMs?: (action: string) => number;
  /** Actions whose job fails. */
  fails?: (action: string) => boolean;
  /** Stop driving (without finishing) once this is true. */
  stopWhen?: (m: Meridian) => Promise<boolean>;
}

/**
 * Runs jobs as agents would, each for its duration on the fake clock, and moves the clock to
 * the next job end or window opening: the execution's whole life, or until `stopWhen`.
 * `running` (job id -> end) survives a restart, as jobs in the store do.
 */
async function drive(m: Meridian, clock: FakeClock, id: string, options: Drive = {}, running = new Map<string, number>()): Promise<void> {
  const durationMs = options.durationMs ?? (() => 20 * MINUTES);
  for (let turn = 0; turn < 500; turn++) {
    const snapshot = await m.store.snapshot(m.store.db, id);
    if (TERMINAL_EXECUTION.has(snapshot.execution.status)) return;
    if (options.stopWhen && (await options.stopWhen(m))) return;
    const queued = await m.store.jobs(m.store.db, id, 'queued');
    for (const job of queued) {
      if (running.has(job.id)) continue;
      const action = snapshot.actions.find((a) => a.stageIndex === job.stageIndex && a.actionIndex === job.actionIndex);
      running.set(job.id, clock.now().getTime() + (job.stageIndex === 0 ? 0 : durationMs(action?.name ?? '')));
    }
    const wake = m.engine.nextWindowWake([id])?.getTime();
    const ends = [...running.values()];
    const next = Math.min(...ends, wake ?? Number.POSITIVE_INFINITY);
    if (!Number.isFinite(next)) throw new Error(`execution ${id} is stuck: nothing runs and no window opens`);
    if (next > clock.now().getTime()) clock.set(new Date(next).toISOString());
    for (const job of queued.filter((j) => (running.get(j.id) ?? Infinity) <= clock.now().getTime())) {
      running.delete(job.id);
      const action = snapshot.actions.find((a) => a.stageIndex === job.stageIndex && a.actionIndex === job.actionIndex);
      const failed = options.fails?.(action?.name ?? '') === true;
      await m.engine.completeJob(job, failed ? { status: 'Failed', error: { code: 'ACTION_FAILED', message: 'exit 1' } } : { status: 'Succeeded' });
    }
    await m.engine.advance(id);
  }
  throw new Error('drove 500 turns without an end');
}

/** Each Deploy action's start and end instants. */
async function spans(store: StateStore, id: string): Promise<Record<string, { startedAt: string | null; endedAt: string | null; status: string }>> {
  const snapshot = await store.snapshot(store.db, id);
  return Object.fromEntries(
    snapshot.actions.filter((a) => a.stageIndex === 1).map((a) => [a.name, { startedAt: a.startedAt, endedAt: a.endedAt, status: a.status }]),
  );
}

/** The first night of each region after Monday 2026-11-30 12:00Z, in UTC. */
const FIRST_NIGHT: Record<string, [string, string]> = {
  'ap-southeast-2': ['2026-11-30T14:00:00.000Z', '2026-11-30T18:00:00.000Z'], // Tue 01:00-05:00 AEDT
  'eu-west-1': ['2026-12-01T01:00:00.000Z', '2026-12-01T05:00:00.000Z'], // Tue 01:00-05:00 GMT
  'us-east-1': ['2026-12-01T06:00:00.000Z', '2026-12-01T10:00:00.000Z'], // Tue 01:00-05:00 EST
};
const START = '2026-11-30T12:00:00.000Z';

function expectInsideFirstNights(result: Record<string, { startedAt: string | null; endedAt: string | null; status: string }>): void {
  for (const region of REGIONS.map((r) => r.name)) {
    const [opens, closes] = FIRST_NIGHT[region] ?? ['', ''];
    for (const name of STEPS.map((s) => `${region}-${s}`)) {
      const span = result[name];
      expect(span?.status, name).toBe('Succeeded');
      expect(Date.parse(span?.startedAt ?? ''), `${name} starts in ${region}'s first night`).toBeGreaterThanOrEqual(Date.parse(opens));
      expect(Date.parse(span?.endedAt ?? ''), `${name} ends in ${region}'s first night`).toBeLessThanOrEqual(Date.parse(closes));
    }
  }
}

describe('region lanes', () => {
  it('each region does its three steps in its own first night, and the execution ends within a day', async () => {
    const clock = fakeClock(START);
    const m = await open(path.join(tempDir(), 'state'), clock);
    const id = await m.engine.start(seedShape(), { type: 'cli' }, context);
    await drive(m, clock, id);
    const done = await m.store.snapshot(m.store.db, id);
    expect(done.execution.status).toBe('Succeeded');
    const result = await spans(m.store, id);
    expectInsideFirstNights(result);
    // Follow the night once: Sydney, then Dublin, then New York, each lane one after the other.
    expect(result['ap-southeast-2-infrastructure']?.startedAt).toBe('2026-11-30T14:00:00.000Z');
    expect(result['ap-southeast-2-prepare']?.startedAt).toBe('2026-11-30T14:20:00.000Z');
    expect(result['ap-southeast-2-activate']?.startedAt).toBe('2026-11-30T14:40:00.000Z');
    expect(result['eu-west-1-infrastructure']?.startedAt).toBe('2026-12-01T01:00:00.000Z');
    expect(result['us-east-1-activate']?.endedAt).toBe('2026-12-01T07:00:00.000Z');
    expect(Date.parse(done.execution.endedAt ?? '') - Date.parse(START)).toBeLessThan(24 * 3_600_000);
    const started = (await m.store.events(m.store.db, id)).find((e) => e.type === 'stage-started' && e.stage === 'Deploy');
    expect(started?.data).toMatchObject({ lanes: 'region' });
    expect(started?.description).toContain('region lanes: windows hold this execution');
  });

  it('the same pipeline with no windows in force runs runOrder stage-wide, as CodePipeline does', async () => {
    const clock = fakeClock(START);
    const m = await open(path.join(tempDir(), 'state'), clock);
    // disruptive-only, and this execution is not disruptive: nothing waits.
    const id = await m.engine.start(seedShape({ windowPolicy: 'disruptive-only' }), { type: 'cli' }, context);
    const durations: Record<string, number> = { 'ap-southeast-2-infrastructure': 50 * MINUTES };
    await drive(m, clock, id, { durationMs: (name) => durations[name] ?? 10 * MINUTES });
    const result = await spans(m.store, id);
    // Every prepare starts only once the slowest infrastructure (Sydney's, 50 minutes) is done.
    for (const region of REGIONS.map((r) => r.name)) expect(result[`${region}-prepare`]?.startedAt).toBe('2026-11-30T12:50:00.000Z');
    const started = (await m.store.events(m.store.db, id)).find((e) => e.type === 'stage-started' && e.stage === 'Deploy');
    expect(started?.data).toMatchObject({ lanes: 'stage' });
    expect(started?.description).toContain('windows do not hold this execution');
  });

  it('`lanes: region` runs lanes without windows; `lanes: stage` keeps runOrder stage-wide under windows (three nights)', async () => {
    const clock = fakeClock(START);
    const m = await open(path.join(tempDir(), 'state'), clock);
    const free = await m.engine.start(seedShape({ windowPolicy: 'disruptive-only' }, undefined, { lanes: 'region' }), { type: 'cli' }, context);
    await drive(m, clock, free, { durationMs: (name) => (name === 'ap-southeast-2-infrastructure' ? 50 * MINUTES : 10 * MINUTES) });
    const lanes = await spans(m.store, free);
    expect(lanes['eu-west-1-prepare']?.startedAt).toBe('2026-11-30T12:10:00.000Z');

    clock.set(START);
    const staged = await m.engine.start(seedShape({}, undefined, { lanes: 'stage' }), { type: 'cli' }, context);
    await drive(m, clock, staged);
    const stageWide = await spans(m.store, staged);
    // runOrder 2 waits for New York's first night to end its runOrder 1: Sydney prepares a day later.
    expect(stageWide['ap-southeast-2-prepare']?.startedAt).toBe('2026-12-01T14:00:00.000Z');
    expect(stageWide['ap-southeast-2-activate']?.startedAt).toBe('2026-12-02T14:00:00.000Z');
  });

  it('a restart in the middle of a lane resumes it where it was', async () => {
    const stateDir = path.join(tempDir(), 'state');
    const clock = fakeClock(START);
    const first = await open(stateDir, clock);
    const id = await first.engine.start(seedShape(), { type: 'cli' }, context);
    const running = new Map<string, number>();
    // Stop once Dublin's prepare runs (Sydney done, New York waiting for its night).
    await drive(first, clock, id, { stopWhen: async (m) => (await spans(m.store, id))['eu-west-1-prepare']?.status === 'InProgress' }, running);
    const before = await spans(first.store, id);
    expect(before['ap-southeast-2-activate']?.status).toBe('Succeeded');
    expect(before['us-east-1-infrastructure']?.status).toBe('Waiting');
    await first.close();

    const second = await open(stateDir, clock);
    await second.engine.adopt(id);
    await second.engine.advance(id);
    await drive(second, clock, id, {}, running);
    expect((await second.store.snapshot(second.store.db, id)).execution.status).toBe('Succeeded');
    expectInsideFirstNights(await spans(second.store, id));
  });

  it('an override lets one lane go now: all its remaining steps, not only the first', async () => {
    const clock = fakeClock(START);
    const m = await open(path.join(tempDir(), 'state'), clock);
    const id = await m.engine.start(seedShape(), { type: 'cli' }, context);
    await m.engine.advance(id);
    const [sourceJob] = await m.store.jobs(m.store.db, id, 'queued');
    await m.engine.completeJob(sourceJob!, { status: 'Succeeded' });
    expect((await spans(m.store, id))['us-east-1-infrastructure']?.status).toBe('Waiting');
    await m.engine.overrideWindow(id, 'us-east-1', 'alice', 'hotfix for incident 42');
    await m.engine.advance(id); // as the process driving it does at its next step
    await drive(m, clock, id, { stopWhen: async (x) => (await spans(x.store, id))['us-east-1-activate']?.status === 'Succeeded' });
    const result = await spans(m.store, id);
    // New York's three steps ran back to back from noon; the others still wait for their nights.
    expect(result['us-east-1-infrastructure']?.startedAt).toBe(START);
    expect(result['us-east-1-prepare']?.startedAt).toBe('2026-11-30T12:20:00.000Z');
    expect(result['us-east-1-activate']?.endedAt).toBe('2026-11-30T13:00:00.000Z');
    expect(result['eu-west-1-infrastructure']?.status).toBe('Waiting');
    expect(result['ap-southeast-2-infrastructure']?.status).toBe('Waiting');
    const override = (await m.store.events(m.store.db, id)).find((e) => e.type === 'window-override');
    expect(override?.data).toMatchObject({ region: 'us-east-1', by: 'alice', reason: 'hotfix for incident 42' });
  });

  it('a failing step stops the other lanes by default: nothing new starts, held steps are let go, the stage fails', async () => {
    const clock = fakeClock(START);
    const m = await open(path.join(tempDir(), 'state'), clock);
    const id = await m.engine.start(seedShape(), { type: 'cli' }, context);
    await drive(m, clock, id, { fails: (name) => name === 'ap-southeast-2-prepare' });
    const done = await m.store.snapshot(m.store.db, id);
    expect(done.execution.status).toBe('Failed');
    // It failed before the execution left Sydney's night: the other regions never deployed.
    expect(Date.parse(done.execution.endedAt ?? '')).toBeLessThan(Date.parse('2026-11-30T18:00:00.000Z'));
    const result = await spans(m.store, id);
    expect(result['ap-southeast-2-infrastructure']?.status).toBe('Succeeded');
    expect(result['ap-southeast-2-prepare']?.status).toBe('Failed');
    expect(result['ap-southeast-2-activate']?.status).toBe('Skipped');
    for (const region of ['eu-west-1', 'us-east-1']) for (const s of STEPS) expect(result[`${region}-${s}`]?.status, `${region}-${s}`).toBe('Skipped');
    const released = (await m.store.events(m.store.db, id)).filter((e) => e.type === 'action-released').map((e) => e.description);
    expect(released).toEqual(expect.arrayContaining(['eu-west-1-infrastructure (eu-west-1) will not start: ap-southeast-2-prepare failed in this stage']));
  });

  it('with onLaneFailure: continue the other lanes finish in their nights, then the stage fails', async () => {
    const clock = fakeClock(START);
    const m = await open(path.join(tempDir(), 'state'), clock);
    const id = await m.engine.start(seedShape({}, undefined, { onLaneFailure: 'continue' }), { type: 'cli' }, context);
    await drive(m, clock, id, { fails: (name) => name === 'ap-southeast-2-prepare' });
    const done = await m.store.snapshot(m.store.db, id);
    expect(done.execution.status).toBe('Failed');
    expect(done.execution.error?.message).toContain('ap-southeast-2-prepare');
    const result = await spans(m.store, id);
    expect(result['ap-southeast-2-activate']?.status).toBe('Skipped');
    for (const region of ['eu-west-1', 'us-east-1']) for (const s of STEPS) expect(result[`${region}-${s}`]?.status, `${region}-${s}`).toBe('Succeeded');
    expect(result['us-east-1-activate']?.endedAt).toBe('2026-12-01T07:00:00.000Z');
  });

  it('a stage-wide approval between prepare and activate holds every lane until it is answered', async () => {
    const clock = fakeClock(START);
    const m = await open(path.join(tempDir(), 'state'), clock);
    const approval: Action = {
      name: 'go-live',
      type: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
      runOrder: 3,
      region: 'eu-west-1',
      homeByDefault: true,
      configuration: {},
      inputArtifacts: [],
      outputArtifacts: [],
    };
    const actions = REGIONS.flatMap((r) => [step(r.name, 1), step(r.name, 2), step(r.name, 4, { name: `${r.name}-activate` })]);
    const id = await m.engine.start(seedShape({}, [...actions, approval]), { type: 'cli' }, context);
    await drive(m, clock, id, { stopWhen: async (x) => (await spans(x.store, id))['go-live']?.status === 'InProgress' });
    const held = await spans(m.store, id);
    // The approval starts once every lane prepared (New York's night), and no activate before it.
    expect(held['go-live']?.startedAt).toBe('2026-12-01T06:40:00.000Z');
    for (const region of REGIONS.map((r) => r.name)) expect(held[`${region}-activate`]?.status).toBe('Pending');
  });

  it('the fit check holds a lane for the next night when its remaining steps do not fit tonight', async () => {
    // Sydney's night is 14:00-18:00Z; at 16:30Z 1h30 is left, and the lane needs 3 x 40 minutes.
    const clock = fakeClock('2026-11-30T16:30:00.000Z');
    const m = await open(path.join(tempDir(), 'state'), clock);
    const actions = REGIONS.flatMap((r) => [1, 2, 3].map((n) => step(r.name, n, { expectedDurationMs: 40 * MINUTES })));
    const id = await m.engine.start(seedShape({}, actions), { type: 'cli' }, context);
    await m.engine.advance(id);
    const [sourceJob] = await m.store.jobs(m.store.db, id, 'queued');
    await m.engine.completeJob(sourceJob!, { status: 'Succeeded' });
    const sydney = (await m.store.snapshot(m.store.db, id)).actions.find((a) => a.name === 'ap-southeast-2-infrastructure');
    expect(sydney?.status).toBe('Waiting');
    expect(sydney?.opensAt).toBe('2026-12-01T14:00:00.000Z');
    expect(sydney?.waitingReason).toContain("too soon for 2h (the lane's 3 remaining steps)");
    await drive(m, clock, id, { durationMs: () => 40 * MINUTES });
    const result = await spans(m.store, id);
    expect(result['ap-southeast-2-activate']?.endedAt).toBe('2026-12-01T16:00:00.000Z');
  });
});
