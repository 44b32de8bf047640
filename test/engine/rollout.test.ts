import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRuleCommands } from '../../src/agent/rule-commands.js';
import type { Action, Pipeline, Rollout } from '../../src/domain/pipeline.js';
import { Engine } from '../../src/engine/engine.js';
import { openSqlite } from '../../src/stores/state/sqlite/open-sqlite.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { fakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { testPipeline } from '../helpers/pipeline.js';
import { tempDir } from '../helpers/temp.js';

const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const step = (region: string, what: string, runOrder: number): Action => ({
  name: `${region}-${what}`,
  type: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
  runOrder,
  region,
  configuration: {},
  inputArtifacts: [],
  outputArtifacts: [],
  commands: ['true'],
});

function pipeline(rollout: Rollout): Pipeline {
  return testPipeline({
    name: 'waves',
    homeRegion: 'eu-west-1',
    regions: REGIONS.map((name) => ({ name, timezone: 'UTC', store: { kind: 'folder', location: `stores/${name}` } })),
    stages: [{ name: 'Deploy', actions: [...REGIONS.map((r) => step(r, 'infra', 1)), ...REGIONS.map((r) => step(r, 'activate', 2))] }],
    rollout,
  });
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function start(rollout: Rollout, clock: FakeClock) {
  const db = await openSqlite(path.join(tempDir(), 'state'));
  closers.push(() => db.destroy());
  const store = new StateStore(db);
  const engine = new Engine({ store, clock, owner: 'test-host:1:waves', ruleCommands: runRuleCommands });
  const id = await engine.start(pipeline(rollout), { type: 'cli' }, { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} });
  const queued = async () =>
    (await store.jobs(db, id, 'queued'))
      .map((j) => store.getAction(db, j).then((a) => a.name))
      .reduce(async (acc, name) => [...(await acc), await name], Promise.resolve([] as string[]));
  const finish = async (name: string) => {
    for (const job of await store.jobs(db, id, 'queued')) {
      if ((await store.getAction(db, job)).name === name) await engine.completeJob(job, { status: 'Succeeded' });
    }
  };
  return { engine, store, id, queued, finish, status: async () => (await store.getExecution(db, id)).status };
}

describe('rollout waves', () => {
  it("runs each region's own actions in runOrder, wave after wave, with the bake time between", async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const run = await start({ waves: [['ap-southeast-2'], ['eu-west-1', 'us-east-1']], bakeMs: 30 * 60_000, checks: [], rollback: 'region' }, clock);
    expect(await run.queued()).toEqual(['ap-southeast-2-infra']);
    await run.finish('ap-southeast-2-infra');
    expect(await run.queued()).toEqual(['ap-southeast-2-activate']);
    clock.set('2026-11-30T10:05:00.000Z');
    await run.finish('ap-southeast-2-activate');
    expect(await run.queued()).toEqual([]);
    const baking = (await run.store.events(run.store.db, run.id)).filter((e) => e.type === 'wave-baking');
    expect(baking.map((e) => e.description)).toEqual(['Wave 1 (ap-southeast-2) deployed; baking 30m until 2026-11-30T10:35:00.000Z']);
    expect(run.engine.nextWindowWake([run.id])?.toISOString()).toBe('2026-11-30T10:35:00.000Z');
    clock.set('2026-11-30T10:34:59.999Z');
    await run.engine.advance(run.id);
    expect(await run.queued()).toEqual([]);
    clock.set('2026-11-30T10:35:00.000Z');
    await run.engine.advance(run.id);
    expect(await run.queued()).toEqual(['eu-west-1-infra', 'us-east-1-infra']);
    // Each region moves on by itself: eu activates while us still sets up its infrastructure.
    await run.finish('eu-west-1-infra');
    expect(await run.queued()).toEqual(['us-east-1-infra', 'eu-west-1-activate']);
    await run.finish('us-east-1-infra');
    await run.finish('eu-west-1-activate');
    await run.finish('us-east-1-activate');
    expect(await run.status()).toBe('InProgress'); // the last wave bakes too
    clock.set('2026-11-30T11:10:00.000Z');
    await run.engine.advance(run.id);
    expect(await run.status()).toBe('Succeeded');
  });

  it('deploys at most maxParallel regions of a wave at once', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const run = await start({ waves: [['eu-west-1', 'us-east-1', 'ap-southeast-2']], bakeMs: 0, checks: [], rollback: 'region', maxParallel: 2 }, clock);
    expect(await run.queued()).toEqual(['eu-west-1-infra', 'us-east-1-infra']);
    await run.finish('eu-west-1-infra');
    expect(await run.queued()).toEqual(['us-east-1-infra', 'eu-west-1-activate']);
    await run.finish('eu-west-1-activate');
    expect(await run.queued()).toEqual(['us-east-1-infra', 'ap-southeast-2-infra']);
  });

  it('a failure in a wave stops the rollout: running actions finish, later waves never start', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const run = await start({ waves: [['ap-southeast-2', 'eu-west-1'], ['us-east-1']], bakeMs: 0, checks: [], rollback: 'region' }, clock);
    const jobs = await run.store.jobs(run.store.db, run.id, 'queued');
    const eu = jobs.find((j) => j.actionIndex === 0);
    await run.engine.completeJob(eu!, { status: 'Failed', error: { code: 'ACTION_FAILED', message: 'boom' } });
    expect(await run.queued()).toEqual(['ap-southeast-2-infra']);
    await run.finish('ap-southeast-2-infra');
    expect(await run.queued()).toEqual([]);
    expect(await run.status()).toBe('Failed');
    const actions = (await run.store.snapshot(run.store.db, run.id)).actions;
    expect(actions.filter((a) => a.region === 'us-east-1').map((a) => a.status)).toEqual(['Skipped', 'Skipped']);
  });

  it('runs the checks when a bake starts and again at its end, and moves on only when the last round passed', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const marker = path.join(tempDir(), 'healthy');
    const run = await start(
      {
        waves: [['ap-southeast-2'], ['eu-west-1', 'us-east-1']],
        bakeMs: 30 * 60_000,
        checks: [{ kind: 'command', command: `test "\${region}" = ap-southeast-2 -o -f ${marker}` }],
        rollback: 'region',
      },
      clock,
    );
    await run.finish('ap-southeast-2-infra');
    await run.finish('ap-southeast-2-activate');
    await run.engine.advance(run.id);
    clock.set('2026-11-30T10:30:00.000Z');
    await run.engine.advance(run.id);
    expect(await run.queued()).toEqual(['eu-west-1-infra', 'us-east-1-infra']);
    const rounds = (await run.store.events(run.store.db, run.id)).filter((e) => e.type === 'health-check');
    expect(rounds.map((e) => [e.data?.at, e.data?.passed])).toEqual([
      ['2026-11-30T10:00:00.000Z', true],
      ['2026-11-30T10:30:00.000Z', true],
    ]);
  });

  it('a failed check fails the stage and asks for a rollback of the failing region (nothing to roll back without releases)', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const run = await start(
      {
        waves: [['ap-southeast-2'], ['eu-west-1', 'us-east-1']],
        bakeMs: 30 * 60_000,
        checks: [{ kind: 'command', command: 'test "${region}" != us-east-1' }],
        rollback: 'region',
      },
      clock,
    );
    await run.finish('ap-southeast-2-infra');
    await run.finish('ap-southeast-2-activate');
    clock.set('2026-11-30T10:30:00.000Z');
    await run.engine.advance(run.id);
    await run.engine.advance(run.id);
    for (const name of ['eu-west-1-infra', 'us-east-1-infra', 'eu-west-1-activate', 'us-east-1-activate']) await run.finish(name);
    await run.engine.advance(run.id);
    expect(await run.status()).toBe('Failed');
    const events = await run.store.events(run.store.db, run.id);
    expect(events.find((e) => e.type === 'stage-finished')?.description).toContain(
      'health check failed during the bake of wave 2: test "us-east-1" != us-east-1 in us-east-1: exited 1; rolling back us-east-1 (rollback: region)',
    );
    expect(events.find((e) => e.type === 'rollback-started')?.description).toBe('Nothing rolled back in us-east-1: no earlier good run of stage Deploy there');
  });
});
