import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRuleCommands } from '../../src/agent/rule-commands.js';
import type { Action, ConditionRule, Pipeline, StageConditions } from '../../src/domain/pipeline.js';
import { Engine } from '../../src/engine/engine.js';
import { openSqlite } from '../../src/stores/state/sqlite/open-sqlite.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { fakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { testPipeline } from '../helpers/pipeline.js';
import { tempDir } from '../helpers/temp.js';

const source: Action = {
  name: 'src',
  type: { category: 'Source', owner: 'Meridian', provider: 'Git', version: '1' },
  runOrder: 1,
  region: 'local',
  configuration: {},
  inputArtifacts: [],
  outputArtifacts: ['src'],
  namespace: 'SourceVariables',
};
const step = (name: string): Action => ({
  name,
  type: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
  runOrder: 1,
  region: 'local',
  configuration: {},
  inputArtifacts: [],
  outputArtifacts: [],
  commands: ['true'],
});

function pipeline(conditions: Partial<StageConditions>): Pipeline {
  return testPipeline({
    name: 'gated',
    regions: [{ name: 'local', timezone: 'UTC', store: { kind: 'folder', location: 'stores/local' } }],
    stages: [
      { name: 'Source', actions: [source] },
      { name: 'Deploy', actions: [step('deploy')], conditions: { beforeEntry: [], onSuccess: [], onFailure: [], ...conditions } },
      { name: 'Notify', actions: [step('notify')] },
    ],
    file: '/nowhere/pipeline.yaml',
    format: 'codepipeline-template',
  });
}

const weekdays9to17: ConditionRule = { kind: 'DeploymentWindow', name: 'office-hours', cron: '0 0 9-17 ? * MON-FRI *', timezone: 'Europe/Dublin' };
const onMain = (operator: 'EQ' | 'NE' | 'CONTAINS' | 'MATCHES', value: string): ConditionRule => ({
  kind: 'VariableCheck',
  name: `branch-${operator}`,
  variable: '#{SourceVariables.BranchName}',
  value,
  operator,
});

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function started(definition: Pipeline, clock: FakeClock, branch = 'main') {
  const db = await openSqlite(path.join(tempDir(), 'state'));
  closers.push(() => db.destroy());
  const store = new StateStore(db);
  const engine = new Engine({ store, clock, owner: 'test-host:1:conditions', ruleCommands: runRuleCommands });
  const id = await engine.start(definition, { type: 'cli' }, { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} });
  const [job] = await store.jobs(db, id, 'queued');
  await engine.completeJob(job!, { status: 'Succeeded', outputVariables: { BranchName: branch } });
  await engine.advance(id);
  const state = async () => {
    const snapshot = await store.snapshot(db, id);
    return {
      execution: snapshot.execution.status,
      stages: Object.fromEntries(snapshot.stages.map((s) => [s.name, s.status])),
      actions: Object.fromEntries(snapshot.actions.map((a) => [a.name, a.status])),
    };
  };
  const events = async (type: string) => (await store.events(db, id)).filter((e) => e.type === type);
  const finishQueued = async (status: 'Succeeded' | 'Failed' = 'Succeeded') => {
    for (const queued of await store.jobs(db, id, 'queued'))
      await engine.completeJob(queued, status === 'Failed' ? { status, error: { code: 'ACTION_FAILED', message: 'exit 1' } } : { status });
    await engine.advance(id);
  };
  return { engine, store, id, state, events, finishQueued };
}

describe('BeforeEntry', () => {
  it('FAIL: a DeploymentWindow rule outside its window fails the stage, and says which rule', async () => {
    const clock = fakeClock('2026-11-28T10:00:00.000Z'); // Saturday
    const run = await started(pipeline({ beforeEntry: [{ result: 'FAIL', rules: [weekdays9to17] }] }), clock);
    expect(await run.state()).toMatchObject({ execution: 'Failed', stages: { Deploy: 'Failed', Notify: 'Skipped' }, actions: { deploy: 'Skipped' } });
    const [evaluated] = await run.events('condition-evaluated');
    expect(evaluated?.data).toEqual({
      phase: 'BeforeEntry',
      condition: 1,
      result: 'FAIL',
      met: false,
      rules: [
        {
          name: 'office-hours',
          kind: 'DeploymentWindow',
          status: 'Failed',
          detail: 'outside 0 0 9-17 ? * MON-FRI * (Europe/Dublin); opens at 2026-11-30T09:00:00.000Z',
        },
      ],
    });
    expect((await run.events('stage-finished')).find((e) => e.stage === 'Deploy')?.description).toBe(
      'Stage Deploy failed: BeforeEntry condition 1 (FAIL) not met',
    );
  });

  it('FAIL: inside the window the stage is entered', async () => {
    const clock = fakeClock('2026-11-30T17:59:59.000Z'); // Monday, the last second of 17:00-18:00
    const run = await started(pipeline({ beforeEntry: [{ result: 'FAIL', rules: [weekdays9to17] }] }), clock);
    expect((await run.state()).actions.deploy).toBe('InProgress');
    expect((await run.events('condition-evaluated'))[0]?.data).toMatchObject({ met: true, rules: [{ status: 'Succeeded' }] });
  });

  it('SKIP: a VariableCheck that fails skips the stage and its actions; the next stage runs', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const run = await started(
      pipeline({ beforeEntry: [{ result: 'SKIP', rules: [onMain('EQ', 'main'), onMain('CONTAINS', 'feat'), onMain('MATCHES', '^feature/[a-z]+$')] }] }),
      clock,
      'feature/login',
    );
    expect(await run.state()).toMatchObject({
      execution: 'InProgress',
      stages: { Deploy: 'Skipped', Notify: 'InProgress' },
      actions: { deploy: 'Skipped', notify: 'InProgress' },
    });
    const [evaluated] = await run.events('condition-evaluated');
    expect((evaluated?.data?.rules as Array<{ status: string }>).map((r) => r.status)).toEqual(['Failed', 'Succeeded', 'Succeeded']);
    expect(evaluated?.description).toContain('rule branch-EQ (VariableCheck) failed: `feature/login` EQ `main` is false');
    await run.finishQueued();
    expect((await run.state()).execution).toBe('Succeeded');
  });

  it('SKIP: a VariableCheck that passes (NE) enters the stage', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const run = await started(pipeline({ beforeEntry: [{ result: 'SKIP', rules: [onMain('NE', 'release')] }] }), clock);
    expect((await run.state()).actions.deploy).toBe('InProgress');
  });

  it('WAIT: the stage waits for the DeploymentWindow instead of failing, and enters when it opens', async () => {
    const clock = fakeClock('2026-11-28T10:00:00.000Z');
    const run = await started(pipeline({ beforeEntry: [{ result: 'WAIT', rules: [weekdays9to17] }] }), clock);
    expect(await run.state()).toMatchObject({ execution: 'InProgress', stages: { Deploy: 'Pending' }, actions: { deploy: 'Pending' } });
    expect(run.engine.nextWindowWake([run.id])?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
    const waiting = await run.events('stage-waiting');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.data).toMatchObject({ phase: 'BeforeEntry', result: 'WAIT', opensAt: '2026-11-30T09:00:00.000Z' });
    await run.engine.advance(run.id);
    expect(await run.events('stage-waiting')).toHaveLength(1);
    clock.set('2026-11-30T09:00:00.000Z');
    await run.engine.advance(run.id);
    expect((await run.state()).actions.deploy).toBe('InProgress');
  });

  it('Commands: a rule whose commands exit non-zero fails the stage; one that exits 0 lets it in', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const failing = await started(
      pipeline({
        beforeEntry: [
          {
            result: 'FAIL',
            rules: [{ kind: 'Commands', name: 'smoke', commands: ['echo checking', 'test "$CODEPIPELINE_EXECUTION_ID" != ""', 'exit 3'], region: 'local' }],
          },
        ],
      }),
      clock,
    );
    expect((await failing.state()).stages.Deploy).toBe('Failed');
    expect((await failing.events('condition-evaluated'))[0]?.data?.rules).toEqual([
      { name: 'smoke', kind: 'Commands', status: 'Failed', detail: 'exited 3: checking' },
    ]);
    const passing = await started(
      pipeline({ beforeEntry: [{ result: 'FAIL', rules: [{ kind: 'Commands', name: 'smoke', commands: ['true'], region: 'local' }] }] }),
      clock,
    );
    expect((await passing.state()).actions.deploy).toBe('InProgress');
  });
});

describe('OnSuccess and OnFailure', () => {
  it('OnSuccess FAIL: a met condition fails a stage whose actions succeeded', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const run = await started(pipeline({ onSuccess: [{ result: 'FAIL', rules: [onMain('EQ', 'main')] }] }), clock);
    await run.finishQueued();
    expect(await run.state()).toMatchObject({ execution: 'Failed', stages: { Deploy: 'Failed' }, actions: { deploy: 'Succeeded', notify: 'Skipped' } });
    expect((await run.events('condition-evaluated'))[0]?.data).toMatchObject({ phase: 'OnSuccess', met: true });
  });

  it('OnFailure RETRY: the failed actions run once more, automatically', async () => {
    const clock = fakeClock('2026-11-30T10:00:00.000Z');
    const run = await started(pipeline({ onFailureResult: 'RETRY', retryMode: 'FAILED_ACTIONS' }), clock);
    await run.finishQueued('Failed');
    expect((await run.state()).actions.deploy).toBe('InProgress');
    expect((await run.events('stage-retried'))[0]?.description).toBe('Stage Deploy retried automatically (FAILED_ACTIONS): OnFailure result RETRY');
    await run.finishQueued('Failed');
    expect(await run.state()).toMatchObject({ execution: 'Failed', stages: { Deploy: 'Failed' } });
    expect(await run.events('stage-retried')).toHaveLength(1);
  });
});
