import { describe, expect, it } from 'vitest';
import { planLanes, type LanePlan } from '../../src/domain/lane-plan.js';
import type { Action, Pipeline, Region, Stage } from '../../src/domain/pipeline.js';
import { testPipeline } from '../helpers/pipeline.js';

const MIN = 60_000;
const REGIONS: Array<[string, string]> = [
  ['eu-west-1', 'Europe/Dublin'],
  ['us-east-1', 'America/New_York'],
  ['ap-southeast-2', 'Australia/Sydney'],
];

const region = (name: string, timezone: string, windows: string): Region => ({
  name,
  timezone,
  store: { kind: 'folder', location: `stores/${name}` },
  windows: [{ effect: 'allow', schedule: windows }],
});

function action(name: string, runOrder: number, regionName: string, expectedMs: number, extra: Partial<Action> = {}): Action {
  return {
    name,
    type: { category: 'Deploy', owner: 'Meridian', provider: 'Release', version: '1' },
    runOrder,
    region: regionName,
    configuration: {},
    inputArtifacts: [],
    outputArtifacts: [],
    expectedDurationMs: expectedMs,
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

/** The seed's shape: one Deploy stage, runOrders 1-3 in each region. */
function seed(durations: [number, number, number], options: { windows?: string; stage?: Partial<Stage>; pipeline?: Partial<Pipeline> } = {}): Pipeline {
  const steps = ['infrastructure', 'prepare', 'activate'] as const;
  return testPipeline({
    name: 'service-x',
    homeRegion: 'eu-west-1',
    regions: REGIONS.map(([name, tz]) => region(name, tz, options.windows ?? 'Mon-Fri 01:00-05:00')),
    windowPolicy: 'disruptive-only',
    stages: [
      { name: 'Source', actions: [source] },
      {
        name: 'Deploy',
        actions: steps.flatMap((step, i) => REGIONS.map(([name]) => action(`${name}-${step}`, i + 1, name, durations[i] ?? 0))),
        ...options.stage,
      },
    ],
    ...options.pipeline,
  });
}

/** Declared expected durations (as the engine reads them first). */
const declared = (pipeline: Pipeline) => (stage: string, name: string) =>
  pipeline.stages.find((s) => s.name === stage)?.actions.find((a) => a.name === name)?.expectedDurationMs ?? 0;

function lane(lanes: LanePlan[], stage: string, regionName: string | null): LanePlan {
  const found = lanes.find((l) => l.stage === stage && l.region === regionName);
  if (!found) throw new Error(`no lane ${stage}/${regionName}`);
  return found;
}

const starts = (l: LanePlan) => l.steps.map((s) => [s.runOrder, s.startsAt, s.endsAt]);

describe('planLanes', () => {
  it('seed shape: each region goes through its three steps inside its own first night, the rollout ends within a day', () => {
    const pipeline = seed([20 * MIN, 30 * MIN, 15 * MIN]);
    const plan = planLanes(pipeline, new Date('2026-11-30T12:00:00Z'), declared(pipeline));
    expect(plan.stages.map((s) => [s.stage, s.order])).toEqual([
      ['Source', 'stage'],
      ['Deploy', 'region'],
    ]);
    expect(lane(plan.lanes, 'Source', null)).toMatchObject({
      order: 'stage',
      timezone: 'Europe/Dublin',
      steps: [{ runOrder: 1, actions: ['src'], expectedMs: 0, startsAt: '2026-11-30T12:00:00.000Z', endsAt: '2026-11-30T12:00:00.000Z', window: null }],
    });
    const sydney = lane(plan.lanes, 'Deploy', 'ap-southeast-2');
    expect(sydney.timezone).toBe('Australia/Sydney');
    // Tuesday 01:00 AEDT is Monday 14:00Z.
    expect(starts(sydney)).toEqual([
      [1, '2026-11-30T14:00:00.000Z', '2026-11-30T14:20:00.000Z'],
      [2, '2026-11-30T14:20:00.000Z', '2026-11-30T14:50:00.000Z'],
      [3, '2026-11-30T14:50:00.000Z', '2026-11-30T15:05:00.000Z'],
    ]);
    expect(sydney.steps.map((s) => s.window)).toEqual(Array(3).fill({ opensAt: '2026-11-30T14:00:00.000Z', closesAt: '2026-11-30T18:00:00.000Z' }));
    expect(sydney.steps[1]).toMatchObject({ actions: ['ap-southeast-2-prepare'], expectedMs: 30 * MIN });
    expect(starts(lane(plan.lanes, 'Deploy', 'eu-west-1'))).toEqual([
      [1, '2026-12-01T01:00:00.000Z', '2026-12-01T01:20:00.000Z'],
      [2, '2026-12-01T01:20:00.000Z', '2026-12-01T01:50:00.000Z'],
      [3, '2026-12-01T01:50:00.000Z', '2026-12-01T02:05:00.000Z'],
    ]);
    expect(starts(lane(plan.lanes, 'Deploy', 'us-east-1'))).toEqual([
      [1, '2026-12-01T06:00:00.000Z', '2026-12-01T06:20:00.000Z'],
      [2, '2026-12-01T06:20:00.000Z', '2026-12-01T06:50:00.000Z'],
      [3, '2026-12-01T06:50:00.000Z', '2026-12-01T07:05:00.000Z'],
    ]);
    expect(plan.stages[1]).toMatchObject({ startsAt: '2026-11-30T12:00:00.000Z', endsAt: '2026-12-01T07:05:00.000Z' });
  });

  it('stage order (`lanes: stage`) waits for the last region at every runOrder: three nights', () => {
    const pipeline = seed([20 * MIN, 30 * MIN, 15 * MIN], { stage: { lanes: 'stage' } });
    const plan = planLanes(pipeline, new Date('2026-11-30T12:00:00Z'), declared(pipeline));
    expect(plan.stages[1]).toMatchObject({ order: 'stage', why: '`lanes: stage`: runOrder is stage-wide', endsAt: '2026-12-02T14:15:00.000Z' });
    // runOrder 2 starts once New York's runOrder 1 ended (Tue 06:20Z): Sydney waits for its next night.
    expect(starts(lane(plan.lanes, 'Deploy', 'ap-southeast-2'))).toEqual([
      [1, '2026-11-30T14:00:00.000Z', '2026-11-30T14:20:00.000Z'],
      [2, '2026-12-01T14:00:00.000Z', '2026-12-01T14:30:00.000Z'],
      [3, '2026-12-02T14:00:00.000Z', '2026-12-02T14:15:00.000Z'],
    ]);
    expect(starts(lane(plan.lanes, 'Deploy', 'us-east-1'))).toEqual([
      [1, '2026-12-01T06:00:00.000Z', '2026-12-01T06:20:00.000Z'],
      [2, '2026-12-01T06:20:00.000Z', '2026-12-01T06:50:00.000Z'],
      [3, '2026-12-02T06:00:00.000Z', '2026-12-02T06:15:00.000Z'],
    ]);
    expect(lane(plan.lanes, 'Deploy', 'eu-west-1').steps.map((s) => s.startsAt)).toEqual([
      '2026-12-01T01:00:00.000Z',
      '2026-12-02T01:00:00.000Z',
      '2026-12-02T01:30:00.000Z',
    ]);
  });

  it("a lane whose remaining steps do not fit what is left of tonight's window waits for the next night", () => {
    // Tuesday 03:30Z: Dublin's window is open until 05:00Z, 1h30m; the lane needs 2h30m.
    const pipeline = seed([60 * MIN, 60 * MIN, 30 * MIN]);
    const plan = planLanes(pipeline, new Date('2026-12-01T03:30:00Z'), declared(pipeline));
    expect(starts(lane(plan.lanes, 'Deploy', 'eu-west-1'))).toEqual([
      [1, '2026-12-02T01:00:00.000Z', '2026-12-02T02:00:00.000Z'],
      [2, '2026-12-02T02:00:00.000Z', '2026-12-02T03:00:00.000Z'],
      [3, '2026-12-02T03:00:00.000Z', '2026-12-02T03:30:00.000Z'],
    ]);
    // A lane that fits starts right away, in the open window.
    const short = seed([20 * MIN, 30 * MIN, 15 * MIN]);
    const now = planLanes(short, new Date('2026-12-01T03:30:00Z'), declared(short));
    expect(lane(now.lanes, 'Deploy', 'eu-west-1').steps[0]).toMatchObject({
      startsAt: '2026-12-01T03:30:00.000Z',
      window: { opensAt: '2026-12-01T01:00:00.000Z', closesAt: '2026-12-01T05:00:00.000Z' },
    });
  });

  it("a stage-wide approval in runOrder 2 holds every lane until every region's runOrder 1 ended", () => {
    const approval: Action = {
      name: 'go-ahead',
      type: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
      runOrder: 2,
      region: 'eu-west-1',
      homeByDefault: true,
      configuration: {},
      inputArtifacts: [],
      outputArtifacts: [],
      expectedDurationMs: 10 * MIN,
    };
    const deploy: Stage = {
      name: 'Deploy',
      actions: [
        ...REGIONS.map(([name]) => action(`${name}-prepare`, 1, name, 20 * MIN)),
        approval,
        ...REGIONS.map(([name]) => action(`${name}-activate`, 3, name, 15 * MIN)),
      ],
    };
    const pipeline = seed([0, 0, 0], { pipeline: { stages: [{ name: 'Source', actions: [source] }, deploy] } });
    const plan = planLanes(pipeline, new Date('2026-11-30T12:00:00Z'), declared(pipeline));
    expect(plan.stages[1]?.order).toBe('region');
    // The approval starts once New York's prepare ended (Tue 06:20Z); it is not window-gated.
    expect(lane(plan.lanes, 'Deploy', null)).toMatchObject({
      timezone: 'Europe/Dublin',
      steps: [{ runOrder: 2, actions: ['go-ahead'], startsAt: '2026-12-01T06:20:00.000Z', endsAt: '2026-12-01T06:30:00.000Z', window: null }],
    });
    expect(starts(lane(plan.lanes, 'Deploy', 'ap-southeast-2'))).toEqual([
      [1, '2026-11-30T14:00:00.000Z', '2026-11-30T14:20:00.000Z'],
      [3, '2026-12-01T14:00:00.000Z', '2026-12-01T14:15:00.000Z'],
    ]);
    expect(starts(lane(plan.lanes, 'Deploy', 'eu-west-1'))).toEqual([
      [1, '2026-12-01T01:00:00.000Z', '2026-12-01T01:20:00.000Z'],
      [3, '2026-12-02T01:00:00.000Z', '2026-12-02T01:15:00.000Z'],
    ]);
    // New York's window is still open when the approval ends.
    expect(starts(lane(plan.lanes, 'Deploy', 'us-east-1'))).toEqual([
      [1, '2026-12-01T06:00:00.000Z', '2026-12-01T06:20:00.000Z'],
      [3, '2026-12-01T06:30:00.000Z', '2026-12-01T06:45:00.000Z'],
    ]);
  });

  it('daylight saving time: a five-hour night fits a lane a four-hour night cannot, a three-hour night does not', () => {
    // 4h30m of steps: only a night that gains an hour has room (daily 01:00-05:00 local).
    const long = seed([120 * MIN, 120 * MIN, 30 * MIN], { windows: 'daily 01:00-05:00' });
    const autumn = planLanes(long, new Date('2026-10-24T12:00:00Z'), declared(long));
    // Dublin falls back on 2026-10-25: 01:00 IST (00:00Z) to 05:00 GMT (05:00Z).
    expect(starts(lane(autumn.lanes, 'Deploy', 'eu-west-1'))).toEqual([
      [1, '2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000Z'],
      [2, '2026-10-25T02:00:00.000Z', '2026-10-25T04:00:00.000Z'],
      [3, '2026-10-25T04:00:00.000Z', '2026-10-25T04:30:00.000Z'],
    ]);
    expect(lane(autumn.lanes, 'Deploy', 'eu-west-1').steps[0]?.window).toEqual({ opensAt: '2026-10-25T00:00:00.000Z', closesAt: '2026-10-25T05:00:00.000Z' });
    // New York falls back a week later (01:00 EDT = 05:00Z to 05:00 EST = 10:00Z).
    expect(lane(autumn.lanes, 'Deploy', 'us-east-1').steps[0]?.startsAt).toBe('2026-11-01T05:00:00.000Z');
    // Sydney's next long night is when it falls back, on 2027-04-04 (01:00 AEDT = 14:00Z the day before).
    expect(lane(autumn.lanes, 'Deploy', 'ap-southeast-2').steps[0]?.startsAt).toBe('2027-04-03T14:00:00.000Z');

    // Sydney springs forward on 2026-10-04: that night is 01:00 AEST (15:00Z) to 05:00 AEDT (18:00Z), three hours.
    const spring = seed([60 * MIN, 60 * MIN, 90 * MIN], { windows: 'daily 01:00-05:00' });
    const plan = planLanes(spring, new Date('2026-10-03T12:00:00Z'), declared(spring));
    expect(starts(lane(plan.lanes, 'Deploy', 'ap-southeast-2'))).toEqual([
      [1, '2026-10-04T14:00:00.000Z', '2026-10-04T15:00:00.000Z'],
      [2, '2026-10-04T15:00:00.000Z', '2026-10-04T16:00:00.000Z'],
      [3, '2026-10-04T16:00:00.000Z', '2026-10-04T17:30:00.000Z'],
    ]);
  });

  it('a step no window has room for gets no start and a note; its lane stops there, the others go on', () => {
    const pipeline = seed([20 * MIN, 30 * MIN, 15 * MIN]);
    const ny = pipeline.stages[1]?.actions.find((a) => a.name === 'us-east-1-prepare');
    if (ny) ny.expectedDurationMs = 5 * 60 * MIN;
    const plan = planLanes(pipeline, new Date('2026-11-30T12:00:00Z'), declared(pipeline));
    // No window fits the lane's 5h35m, so its steps go window by window: runOrder 1 fits, 2 does not.
    const steps = lane(plan.lanes, 'Deploy', 'us-east-1').steps;
    expect(steps[0]).toMatchObject({ startsAt: '2026-12-01T06:00:00.000Z', endsAt: '2026-12-01T06:20:00.000Z' });
    expect(steps[1]).toMatchObject({ runOrder: 2, startsAt: null, endsAt: null, window: null });
    expect(steps[1]?.note).toBe(
      "no window in the next year fits 5h (expected duration); the longest window is 4h; no window fits the lane's 2 remaining steps (5h15m), so they go window by window",
    );
    expect(steps[2]).toMatchObject({ runOrder: 3, startsAt: null, endsAt: null, note: 'never starts: a step it waits for has no window within a year' });
    expect(lane(plan.lanes, 'Deploy', 'eu-west-1').steps.at(-1)?.endsAt).toBe('2026-12-01T02:05:00.000Z');
    expect(plan.stages[1]?.endsAt).toBeNull();
  });

  it('a rollout goes wave after wave, each region in its own lane, the next wave after the bake', () => {
    const pipeline = testPipeline({
      name: 'follow-the-night',
      homeRegion: 'ap-southeast-2',
      regions: [
        region('ap-southeast-2', 'Australia/Sydney', 'Mon-Fri 01:00-05:00'),
        region('eu-west-1', 'Europe/Dublin', 'Mon-Fri 01:00-05:00'),
        region('us-east-1', 'America/New_York', 'Mon-Fri 01:00-05:00'),
      ],
      windowPolicy: 'always',
      stages: [
        {
          name: 'Deploy',
          actions: ['ap-southeast-2', 'eu-west-1', 'us-east-1'].flatMap((r) => [action(`${r}-migrate`, 1, r, 20 * MIN), action(`${r}-switch`, 2, r, 5 * MIN)]),
        },
      ],
      rollout: { waves: [['ap-southeast-2'], ['eu-west-1'], ['us-east-1']], bakeMs: 30 * MIN, checks: [], rollback: 'all-previous' },
    });
    const plan = planLanes(pipeline, new Date('2026-11-29T12:00:00Z'), declared(pipeline));
    expect(plan.stages[0]).toMatchObject({
      order: 'rollout',
      endsAt: '2026-11-30T06:55:00.000Z',
      waves: [
        { regions: ['ap-southeast-2'], endsAt: '2026-11-29T14:25:00.000Z', bakedAt: '2026-11-29T14:55:00.000Z' },
        { regions: ['eu-west-1'], endsAt: '2026-11-30T01:25:00.000Z', bakedAt: '2026-11-30T01:55:00.000Z' },
        { regions: ['us-east-1'], endsAt: '2026-11-30T06:25:00.000Z', bakedAt: '2026-11-30T06:55:00.000Z' },
      ],
    });
    expect(starts(lane(plan.lanes, 'Deploy', 'eu-west-1'))).toEqual([
      [1, '2026-11-30T01:00:00.000Z', '2026-11-30T01:20:00.000Z'],
      [2, '2026-11-30T01:20:00.000Z', '2026-11-30T01:25:00.000Z'],
    ]);
  });

  it('a rollout with maxParallel: 1 deploys one region of a wave at a time', () => {
    const pipeline = testPipeline({
      name: 'one-at-a-time',
      homeRegion: 'eu-west-1',
      regions: [region('eu-west-1', 'UTC', 'daily 01:00-05:00'), region('us-east-1', 'UTC', 'daily 01:00-05:00')],
      windowPolicy: 'always',
      stages: [{ name: 'Deploy', actions: [action('eu', 1, 'eu-west-1', 60 * MIN), action('us', 1, 'us-east-1', 60 * MIN)] }],
      rollout: { waves: [['eu-west-1', 'us-east-1']], bakeMs: 0, checks: [], rollback: 'region', maxParallel: 1 },
    });
    const plan = planLanes(pipeline, new Date('2026-11-29T12:00:00Z'), declared(pipeline));
    expect(plan.lanes.map((l) => [l.region, l.steps[0]?.startsAt])).toEqual([
      ['eu-west-1', '2026-11-30T01:00:00.000Z'],
      ['us-east-1', '2026-11-30T02:00:00.000Z'],
    ]);
  });
});
