/**
 * Rollbacks in the engine: which earlier execution a region goes back to (its last good run
 * of the stage, judged per region by what it deployed, never a rollback or a rolled-back
 * release), ROLLBACK stage conditions, and a rollback created with the failure it answers,
 * on both state stores.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRuleCommands } from '../../src/agent/rule-commands.js';
import type { Action, Pipeline, Rollout, StageConditions } from '../../src/domain/pipeline.js';
import { Engine } from '../../src/engine/engine.js';
import type { Kysely } from 'kysely';
import { openPostgres } from '../../src/stores/state/postgres/open-postgres.js';
import type { Database } from '../../src/stores/state/schema.js';
import { openSqlite } from '../../src/stores/state/sqlite/open-sqlite.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { fakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { testPipeline } from '../helpers/pipeline.js';
import { BACKENDS, type Backend } from '../helpers/state-backends.js';
import { tempDir } from '../helpers/temp.js';

const REGIONS = ['ap-southeast-2', 'eu-west-1', 'us-east-1'];
const step = (region: string, what: string, runOrder: number): Action => ({
  name: `${region}-${what}`,
  type: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
  runOrder,
  region,
  configuration: { version: '#{variables.VERSION}' },
  inputArtifacts: [],
  outputArtifacts: [],
  commands: ['true'],
});

function pipeline(extra: { rollout?: Rollout; conditions?: Partial<StageConditions> }): Pipeline {
  const definition = testPipeline({
    name: 'rollbacks',
    homeRegion: 'eu-west-1',
    regions: REGIONS.map((name) => ({ name, timezone: 'UTC', store: { kind: 'folder', location: `stores/${name}` } })),
    stages: [{ name: 'Deploy', actions: [...REGIONS.map((r) => step(r, 'infra', 1)), ...REGIONS.map((r) => step(r, 'activate', 2))] }],
    variables: [{ name: 'VERSION', defaultValue: '0' }],
    executionMode: 'QUEUED',
  });
  if (extra.rollout) definition.rollout = extra.rollout;
  if (extra.conditions) definition.stages[0]!.conditions = { beforeEntry: [], onSuccess: [], onFailure: [], ...extra.conditions };
  return definition;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function harness(definition: Pipeline, clock: FakeClock, backend?: Backend) {
  const file = path.join(tempDir(), 'state');
  const { db, url } = backend?.name === 'PostgreSQL' ? await backend.open() : { db: await openSqlite(file), url: undefined };
  closers.push(() => db.destroy());
  /** Another connection to the same database, as another process would have. */
  const reopen = async (): Promise<Kysely<Database>> => {
    const other = url === undefined ? await openSqlite(file) : await openPostgres(url, { poolSize: 4 });
    closers.push(() => other.destroy());
    return other;
  };
  const store = new StateStore(db);
  const engine = new Engine({ store, clock, owner: `test-host:${process.pid}:rollbacks`, ruleCommands: runRuleCommands });
  /** Completes queued jobs (failing those `fails` names) and moves the clock until the execution ends. */
  const drive = async (id: string, fails: (action: string) => boolean = () => false): Promise<string> => {
    for (let round = 0; round < 40; round += 1) {
      for (const job of await store.jobs(db, id, 'queued')) {
        const action = await store.getAction(db, job);
        await engine.completeJob(job, fails(action.name) ? { status: 'Failed', error: { code: 'ACTION_FAILED', message: 'boom' } } : { status: 'Succeeded' });
      }
      const { status } = await store.getExecution(db, id);
      if (status !== 'InProgress') return status;
      clock.advance(60_000);
      await engine.advance(id);
    }
    throw new Error(`execution ${id} did not end`);
  };
  const run = async (version: string, fails?: (action: string) => boolean): Promise<{ id: string; status: string }> => {
    const id = await engine.start(definition, { type: 'cli' }, { parameters: {}, variables: { VERSION: version }, sourceOverrides: {}, stores: {} });
    return { id, status: await drive(id, fails) };
  };
  /** The rollback executions an execution started: id, and each action's region and resolved version. */
  const rollbacks = async (id: string) => {
    const started = (await store.events(db, id)).filter((e) => e.type === 'rollback-started' && typeof e.data?.rollbackExecution === 'string');
    return Promise.all(
      started.map(async (e) => {
        const rollback = await store.getExecution(db, e.data?.rollbackExecution as string);
        const actions = rollback.definition.stages.flatMap((s) => s.actions.map((a) => `${a.name}=${JSON.stringify(a.configuration.version)}`));
        return { id: rollback.id, trigger: rollback.trigger, target: e.data?.target, actions, stages: rollback.definition.stages };
      }),
    );
  };
  return { db, reopen, store, engine, drive, run, rollbacks };
}

describe('rollback target', () => {
  it('goes back, per region, to the last good run that deployed something else, never to a rolled-back release or a rollback', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const marks = tempDir();
    const rollout: Rollout = {
      waves: [['ap-southeast-2'], ['eu-west-1', 'us-east-1']],
      bakeMs: 60_000,
      checks: [{ kind: 'command', command: `test ! -f ${marks}/broken-\${region}` }],
      rollback: 'all-previous',
    };
    const h = await harness(pipeline({ rollout }), clock);
    const v1 = await h.run('1');
    const v2 = await h.run('2');
    expect([v1.status, v2.status]).toEqual(['Succeeded', 'Succeeded']);

    // Version 3 breaks us-east-1: found in wave 2's bake; every region goes back to version 2.
    fs.writeFileSync(path.join(marks, 'broken-us-east-1'), '');
    const v3 = await h.run('3');
    expect(v3.status).toBe('Failed');
    const [back] = await h.rollbacks(v3.id);
    expect(back?.trigger.type).toBe('rollback');
    expect(back?.target).toBe(v2.id);
    expect(back?.actions.sort()).toEqual(REGIONS.flatMap((r) => [`${r}-activate="2"`, `${r}-infra="2"`]).sort());
    expect(back?.stages[0]?.conditions).toBeUndefined();
    expect(await h.drive(back!.id)).toBe('Succeeded');

    // Version 2 again, now broken in ap-southeast-2: version 2 is what failed, version 3 was
    // rolled back there, and the rollback execution is not a target: back to version 1.
    fs.rmSync(path.join(marks, 'broken-us-east-1'));
    fs.writeFileSync(path.join(marks, 'broken-ap-southeast-2'), '');
    const again = await h.run('2');
    expect(again.status).toBe('Failed');
    const [second] = await h.rollbacks(again.id);
    expect(second?.target).toBe(v1.id);
    expect(second?.actions.sort()).toEqual(['ap-southeast-2-activate="1"', 'ap-southeast-2-infra="1"']);
  });

  it('compares the digests of the artifacts a region read, not the execution', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const definition = pipeline({ conditions: { onFailureResult: 'ROLLBACK' } });
    for (const action of definition.stages[0]!.actions) action.inputArtifacts = ['package'];
    const h = await harness(definition, clock);
    // The package each execution deploys, as the build would have recorded it.
    const withPackage = async (version: string, digest: string, fails?: (action: string) => boolean) => {
      const id = await h.engine.start(definition, { type: 'cli' }, { parameters: {}, variables: { VERSION: version }, sourceOverrides: {}, stores: {} });
      await h.store.recordArtifact(h.db, { executionId: id, name: 'package', digest, size: 1, region: 'eu-west-1', producedBy: 'build' });
      return { id, status: await h.drive(id, fails) };
    };
    const a = await withPackage('1', 'sha256:aaa');
    await withPackage('2', 'sha256:bbb');
    // A different variable but the same package as the last good run: that run deployed the same thing.
    const failed = await withPackage('3', 'sha256:bbb', (name) => name === 'eu-west-1-activate');
    expect(failed.status).toBe('Failed');
    const [back] = await h.rollbacks(failed.id);
    expect(back?.target).toBe(a.id);
    const artifacts = await h.store.artifacts(h.db, back!.id);
    expect(artifacts.map((r) => [r.name, r.digest])).toEqual([['package', 'sha256:aaa']]);
  });
});

describe('ROLLBACK stage conditions', () => {
  it('OnFailure ROLLBACK re-runs the stage as the last good execution ran it, in every region where an action ran', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const h = await harness(pipeline({ conditions: { onFailureResult: 'ROLLBACK' } }), clock);
    const good = await h.run('1');
    const bad = await h.run('2', (name) => name === 'us-east-1-infra');
    expect([good.status, bad.status]).toEqual(['Succeeded', 'Failed']);
    const events = await h.store.events(h.db, bad.id);
    expect(events.find((e) => e.type === 'stage-finished')?.description).toBe(
      'Stage Deploy failed: OnFailure result ROLLBACK; rolling back ap-southeast-2, eu-west-1, us-east-1',
    );
    const [back] = await h.rollbacks(bad.id);
    expect(back?.target).toBe(good.id);
    expect(back?.actions.sort()).toEqual(REGIONS.flatMap((r) => [`${r}-activate="1"`, `${r}-infra="1"`]).sort());
    expect(await h.drive(back!.id)).toBe('Succeeded');
  });

  it('OnSuccess ROLLBACK: a met condition fails the stage and rolls it back', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const h = await harness(
      pipeline({
        conditions: {
          onSuccess: [
            { result: 'ROLLBACK', rules: [{ kind: 'VariableCheck', name: 'bad-version', variable: '#{variables.VERSION}', value: '13', operator: 'EQ' }] },
          ],
        },
      }),
      clock,
    );
    const good = await h.run('12');
    const bad = await h.run('13');
    expect([good.status, bad.status]).toEqual(['Succeeded', 'Failed']);
    const [back] = await h.rollbacks(bad.id);
    expect(back?.target).toBe(good.id);
    expect(back?.actions).toContain('eu-west-1-activate="12"');
  });

  it('with no earlier good run, says there is nothing to go back to', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const h = await harness(pipeline({ conditions: { onFailureResult: 'ROLLBACK' } }), clock);
    const bad = await h.run('1', (name) => name === 'eu-west-1-infra');
    expect(bad.status).toBe('Failed');
    expect(await h.rollbacks(bad.id)).toEqual([]);
    const note = (await h.store.events(h.db, bad.id)).find((e) => e.type === 'rollback-started');
    expect(note?.description).toBe('Nothing rolled back in ap-southeast-2, eu-west-1, us-east-1: no earlier good run of stage Deploy there');
  });
});

describe.each(BACKENDS)('a rollback on $name', (backend) => {
  // PostgreSQL is skipped only on a machine without it (state-backends.ts); .ci/run installs it.
  it.skipIf(!backend.available)('is created in the transaction that fails the stage and carried out by whichever engine drives it', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const h = await harness(pipeline({ conditions: { onFailureResult: 'ROLLBACK' } }), clock, backend);
    const good = await h.run('1');
    const failed = await h.run('2', (name) => name === 'eu-west-1-activate');
    expect(failed.status).toBe('Failed');
    const [back] = await h.rollbacks(failed.id);
    expect(back?.target).toBe(good.id);
    // Its first actions were queued once the failure committed; another process adopting it finishes it.
    const rollback = await h.store.getExecution(h.db, back!.id);
    expect([rollback.status, rollback.owner]).toEqual(['InProgress', `test-host:${process.pid}:rollbacks`]);
    expect((await h.store.jobs(h.db, back!.id, 'queued')).length).toBe(3);
    const other = new Engine({ store: new StateStore(await h.reopen()), clock, owner: `test-host:${process.pid}:other`, ruleCommands: runRuleCommands });
    await other.adopt(back!.id);
    for (let round = 0; round < 5; round += 1) {
      for (const job of await other.store.jobs(other.store.db, back!.id, 'queued')) await other.completeJob(job, { status: 'Succeeded' });
    }
    expect((await other.store.getExecution(other.store.db, back!.id)).status).toBe('Succeeded');
  });
});
