/**
 * `meridian plan --json` lanes and the engine agree: for each pipeline, the plan printed by the
 * real CLI as of `--at`, then an Engine on a fake clock set to the same instant, driven by hand
 * (each job completes exactly its expected duration after it started; the clock jumps to the
 * next completion or window opening, whichever comes first), starts and ends every action at
 * its step's `startsAt` and `endsAt`. The server's plan view gives the same lanes.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TERMINAL_EXECUTION } from '../../src/domain/execution.js';
import type { LanePlan } from '../../src/domain/lane-plan.js';
import type { Pipeline } from '../../src/domain/pipeline.js';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { Engine } from '../../src/engine/engine.js';
import { planView } from '../../src/server/views/plan-view.js';
import { openSqlite } from '../../src/stores/state/sqlite/open-sqlite.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { runCli } from '../helpers/cli.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const REGIONS = `regions:
  eu-west-1:      { timezone: Europe/Dublin }
  us-east-1:      { timezone: America/New_York }
  ap-southeast-2: { timezone: Australia/Sydney }
sources:
  src: { git: . }
`;

/** The seed's shape, windows for disruptive executions only; 1h40m of steps per region. */
const seed = `pipeline: lanes
${REGIONS}windows:
  policy: disruptive-only
  allow: "Mon-Fri 01:00-05:00"
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-infrastructure", runOrder: 1, uses: commands, commands: ["true"], expectedDuration: 40m }
      - { name: "\${region}-prepare", runOrder: 2, uses: commands, commands: ["true"], expectedDuration: 30m }
      - { name: "\${region}-activate", runOrder: 3, uses: commands, commands: ["true"], expectedDuration: 30m }
`;

/** A stage-wide approval between prepare and activate holds every lane. */
const approval = `pipeline: approval
${REGIONS}windows:
  policy: always
  allow: "Mon-Fri 01:00-05:00"
stages:
  - name: Deploy
    actions:
      - { name: eu-prepare, region: eu-west-1, runOrder: 1, uses: commands, commands: ["true"], expectedDuration: 20m }
      - { name: us-prepare, region: us-east-1, runOrder: 1, uses: commands, commands: ["true"], expectedDuration: 20m }
      - { name: ap-prepare, region: ap-southeast-2, runOrder: 1, uses: commands, commands: ["true"], expectedDuration: 20m }
      - { name: go-ahead, runOrder: 2, uses: approval, expectedDuration: 10m }
      - { name: eu-activate, region: eu-west-1, runOrder: 3, uses: commands, commands: ["true"], expectedDuration: 15m }
      - { name: us-activate, region: us-east-1, runOrder: 3, uses: commands, commands: ["true"], expectedDuration: 15m }
      - { name: ap-activate, region: ap-southeast-2, runOrder: 3, uses: commands, commands: ["true"], expectedDuration: 15m }
`;

/** Waves with a bake, and 4h30m per region that only a night which gains an hour has room for (daily 01:00-05:00 local). */
const rollout = `pipeline: rollout
${REGIONS}windows:
  policy: always
  allow: "daily 01:00-05:00"
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-migrate", runOrder: 1, uses: commands, commands: ["true"], expectedDuration: 2h }
      - { name: "\${region}-switch", runOrder: 2, uses: commands, commands: ["true"], expectedDuration: 1h }
rollout:
  waves: [[eu-west-1], [us-east-1], [ap-southeast-2]]
  bake: 90m
`;

interface Plan {
  stages: Array<{ name: string; lanes: string; lanesWhy: string }>;
  lanes: LanePlan[];
  timeline: Array<{ region: string; deploy: { startsAt: string; endsAt: string } | null }>;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function planOf(definition: string, at: string): Promise<{ plan: Plan; pipeline: Pipeline; dir: string }> {
  const dir = tempDir();
  writeFiles(dir, { 'meridian.yaml': definition });
  const file = path.join(dir, 'meridian.yaml');
  const result = await runCli(['plan', '-f', file, '--at', at, '--json', '--state-dir', path.join(dir, 'nothing')]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return { plan: JSON.parse(result.stdout) as Plan, pipeline: await loadDefinition(file), dir };
}

const expectedOf =
  (pipeline: Pipeline) =>
  (stage: string, action: string): number =>
    pipeline.stages.find((s) => s.name === stage)?.actions.find((a) => a.name === action)?.expectedDurationMs ?? 0;

/** Runs an execution on a fake clock, each job taking exactly its expected duration; returns each action's start and end. */
async function drive(pipeline: Pipeline, dir: string, at: string): Promise<Map<string, { startedAt: string; endedAt: string }>> {
  const clock = fakeClock(at);
  const db = await openSqlite(path.join(dir, 'state'));
  closers.push(() => db.destroy());
  const store = new StateStore(db);
  const engine = new Engine({ store, clock, owner: 'test-host:1:lanes' });
  const expected = expectedOf(pipeline);
  const id = await engine.start(pipeline, { type: 'cli' }, { parameters: {}, variables: {}, sourceOverrides: {}, stores: {}, disruptive: true });
  for (let turn = 0; ; turn++) {
    expect(turn, 'the execution should end').toBeLessThan(500);
    const snapshot = await store.snapshot(db, id);
    if (TERMINAL_EXECUTION.has(snapshot.execution.status)) break;
    const due = (await store.jobs(db, id, 'queued')).map((job) => {
      const action = snapshot.actions.find((a) => a.stageIndex === job.stageIndex && a.actionIndex === job.actionIndex);
      return { job, at: Date.parse(action?.startedAt ?? '') + expected(action?.stage ?? '', action?.name ?? '') };
    });
    const next = Math.min(...due.map((d) => d.at), engine.nextWindowWake([id])?.getTime() ?? Number.POSITIVE_INFINITY);
    expect(Number.isFinite(next), 'a job runs or a window opens').toBe(true);
    expect(next).toBeGreaterThanOrEqual(clock.now().getTime());
    clock.set(new Date(next).toISOString());
    const ready = due.filter((d) => d.at === next);
    if (ready.length > 0) await engine.completeJobs(ready.map(({ job }) => ({ job, outcome: { status: 'Succeeded' } })));
    else await engine.advance(id);
  }
  const snapshot = await store.snapshot(db, id);
  expect(snapshot.execution.status).toBe('Succeeded');
  const events = await store.events(db, id);
  const times = new Map<string, { startedAt: string; endedAt: string }>();
  for (const e of events.filter((e) => e.type === 'action-started')) times.set(`${e.stage}/${e.action}`, { startedAt: e.at, endedAt: '' });
  for (const e of events.filter((e) => e.type === 'action-finished')) {
    const known = times.get(`${e.stage}/${e.action}`);
    if (known) known.endedAt = e.at;
  }
  return times;
}

/** What the plan says of each action: its step's instants. */
function planned(lanes: readonly LanePlan[]): Map<string, { startedAt: string | null; endedAt: string | null }> {
  const out = new Map<string, { startedAt: string | null; endedAt: string | null }>();
  for (const lane of lanes)
    for (const step of lane.steps) for (const action of step.actions) out.set(`${lane.stage}/${action}`, { startedAt: step.startsAt, endedAt: step.endsAt });
  return out;
}

describe('plan --json lanes and the engine', () => {
  it("region lanes: every action starts and ends at its step's instants; Dublin's lane waits for the next night", async () => {
    const at = '2026-12-01T03:30:00.000Z';
    const { plan, pipeline, dir } = await planOf(seed, at);
    expect(plan.stages.map((s) => [s.name, s.lanes])).toEqual([
      ['Source', 'stage'],
      ['Deploy', 'region'],
    ]);
    expect(plan.stages[1]?.lanesWhy).toBe('windows hold this execution, so each region goes through its own runOrders in its own window');
    // Dublin's window is open until 05:00Z, too short for the lane's 1h40m: it starts on Wednesday.
    expect(plan.lanes.filter((l) => l.stage === 'Deploy').map((l) => [l.region, l.steps.map((s) => s.startsAt)])).toEqual([
      ['eu-west-1', ['2026-12-02T01:00:00.000Z', '2026-12-02T01:40:00.000Z', '2026-12-02T02:10:00.000Z']],
      ['us-east-1', ['2026-12-01T06:00:00.000Z', '2026-12-01T06:40:00.000Z', '2026-12-01T07:10:00.000Z']],
      ['ap-southeast-2', ['2026-12-01T14:00:00.000Z', '2026-12-01T14:40:00.000Z', '2026-12-01T15:10:00.000Z']],
    ]);
    expect(plan.timeline.map((t) => [t.region, t.deploy])).toEqual([
      ['eu-west-1', { startsAt: '2026-12-02T01:00:00.000Z', endsAt: '2026-12-02T02:40:00.000Z' }],
      ['us-east-1', { startsAt: '2026-12-01T06:00:00.000Z', endsAt: '2026-12-01T07:40:00.000Z' }],
      ['ap-southeast-2', { startsAt: '2026-12-01T14:00:00.000Z', endsAt: '2026-12-01T15:40:00.000Z' }],
    ]);
    expect(await drive(pipeline, dir, at)).toEqual(planned(plan.lanes));
    // The dashboard's plan carries the same lanes.
    expect(planView(pipeline, new Date(at), expectedOf(pipeline)).lanes).toEqual(plan.lanes);
  });

  it('a stage-wide approval holds every lane, and the engine agrees', async () => {
    const at = '2026-11-30T12:00:00.000Z';
    const { plan, pipeline, dir } = await planOf(approval, at);
    const wide = plan.lanes.find((l) => l.stage === 'Deploy' && l.region === null);
    expect(wide?.steps).toEqual([
      { runOrder: 2, actions: ['go-ahead'], expectedMs: 600_000, startsAt: '2026-12-01T06:20:00.000Z', endsAt: '2026-12-01T06:30:00.000Z', window: null },
    ]);
    expect(await drive(pipeline, dir, at)).toEqual(planned(plan.lanes));
  });

  it('a rollout: waves, bakes, and the nights that gain an hour, and the engine agrees', async () => {
    const at = '2026-10-24T12:00:00.000Z';
    const { plan, pipeline, dir } = await planOf(rollout, at);
    expect(plan.stages[1]?.lanes).toBe('rollout');
    // Dublin falls back on 2026-10-25 (01:00 IST = 00:00Z to 05:00 GMT), New York on 2026-11-01
    // (01:00 EDT = 05:00Z to 05:00 EST = 10:00Z), Sydney on 2027-04-04 (01:00 AEDT = 14:00Z the day before).
    expect(plan.lanes.filter((l) => l.stage === 'Deploy').map((l) => [l.region, l.steps.map((s) => s.startsAt)])).toEqual([
      ['eu-west-1', ['2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000Z']],
      ['us-east-1', ['2026-11-01T05:00:00.000Z', '2026-11-01T07:00:00.000Z']],
      ['ap-southeast-2', ['2027-04-03T14:00:00.000Z', '2027-04-03T16:00:00.000Z']],
    ]);
    expect(await drive(pipeline, dir, at)).toEqual(planned(plan.lanes));
  });
});
