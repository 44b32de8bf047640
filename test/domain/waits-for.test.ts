import { describe, expect, it } from 'vitest';
import type { ActionStatus, StageStatus } from '../../src/domain/execution.js';
import type { StageOrder } from '../../src/domain/region-lanes.js';
import { waitsFor, zoneAbbreviation, zonedOpening, type WaitingAction, type WaitingStage, type WaitsForInput } from '../../src/domain/waits-for.js';

const REGIONS = [
  { name: 'eu-west-1', timezone: 'Europe/Dublin' },
  { name: 'us-east-1', timezone: 'America/New_York' },
  { name: 'ap-southeast-2', timezone: 'Australia/Sydney' },
];
const REGION_NAMES = REGIONS.map((r) => r.name);
/** Monday 30 November 2026 14:00 UTC: Tuesday 01:00 in Sydney (AEDT, UTC+11). */
const SYDNEY_NIGHT = '2026-11-30T14:00:00.000Z';

function act(name: string, runOrder: number, region: string, status: ActionStatus = 'Pending', extra: Partial<WaitingAction> = {}): WaitingAction {
  return { name, runOrder, region, lane: region, status, category: 'Deploy', waitingFor: null, waitingReason: null, opensAt: null, ...extra };
}

function windowWait(name: string, runOrder: number, region: string, opensAt: string): WaitingAction {
  return act(name, runOrder, region, 'Waiting', { waitingFor: 'window', opensAt, waitingReason: `window: the window opens at ${opensAt}` });
}

/** The seed's Deploy stage: infrastructure, prepare, execute in every region. */
function seed(statuses: Record<string, ActionStatus | WaitingAction>): WaitingAction[] {
  const steps = ['infrastructure', 'prepare', 'execute'];
  return REGION_NAMES.flatMap((region) =>
    steps.map((step, i) => {
      const name = `${region}-${step}`;
      const given = statuses[name];
      return typeof given === 'object' ? given : act(name, i + 1, region, given ?? 'Pending');
    }),
  );
}

function stage(name: string, order: StageOrder, actions: WaitingAction[], status: StageStatus = 'InProgress', extra: Partial<WaitingStage> = {}): WaitingStage {
  return { name, status, order, actions, ...extra };
}

/** What each named action waits for. */
function waits(input: Partial<WaitsForInput> & { stages: WaitingStage[] }): Record<string, ReturnType<typeof waitsFor>[number][number]> {
  const full: WaitsForInput = { status: 'InProgress', regions: REGIONS, ...input };
  const result = waitsFor(full);
  return Object.fromEntries(full.stages.flatMap((s, i) => s.actions.map((a, j) => [a.name, result[i]?.[j] ?? null])));
}

describe('zone abbreviations', () => {
  it('name the zone as people there do, daylight time included', () => {
    expect(zoneAbbreviation(new Date('2026-01-15T12:00:00Z'), 'Australia/Sydney')).toBe('AEDT');
    expect(zoneAbbreviation(new Date('2026-07-15T12:00:00Z'), 'Australia/Sydney')).toBe('AEST');
    expect(zoneAbbreviation(new Date('2026-01-15T12:00:00Z'), 'America/New_York')).toBe('EST');
    expect(zoneAbbreviation(new Date('2026-07-15T12:00:00Z'), 'America/New_York')).toBe('EDT');
    expect(zoneAbbreviation(new Date('2026-01-15T12:00:00Z'), 'Europe/Dublin')).toBe('GMT');
    expect(zoneAbbreviation(new Date('2026-07-15T12:00:00Z'), 'Europe/Dublin')).toBe('IST');
    expect(zoneAbbreviation(new Date('2026-07-15T12:00:00Z'), 'Europe/London')).toBe('BST');
    expect(zoneAbbreviation(new Date('2026-07-15T12:00:00Z'), 'UTC')).toBe('UTC');
    // No locale names Kathmandu's zone: its offset stands in.
    expect(zoneAbbreviation(new Date('2026-07-15T12:00:00Z'), 'Asia/Kathmandu')).toBe('GMT+5:45');
  });

  it('change on the night the clocks change', () => {
    // Sydney leaves daylight time at 03:00 AEDT on Sunday 5 April 2026 (16:00 UTC the day before).
    expect(zonedOpening('2026-04-04T15:00:00.000Z', 'Australia/Sydney')).toBe('Sun 02:00 AEDT');
    expect(zonedOpening('2026-04-04T16:00:00.000Z', 'Australia/Sydney')).toBe('Sun 02:00 AEST');
    // New York goes to daylight time at 02:00 EST on Sunday 8 March 2026.
    expect(zonedOpening('2026-03-08T06:30:00.000Z', 'America/New_York')).toBe('Sun 01:30 EST');
    expect(zonedOpening('2026-03-08T07:30:00.000Z', 'America/New_York')).toBe('Sun 03:30 EDT');
  });
});

describe('waitsFor', () => {
  it("a step held for its window: the opening in its region's zone, and in UTC", () => {
    const result = waits({
      stages: [
        stage('Deploy', 'region', seed({ 'ap-southeast-2-infrastructure': windowWait('ap-southeast-2-infrastructure', 1, 'ap-southeast-2', SYDNEY_NIGHT) })),
      ],
    });
    expect(result['ap-southeast-2-infrastructure']).toEqual({
      kind: 'window',
      text: 'its window, opens Tue 01:00 AEDT (2026-11-30 14:00Z)',
      until: SYDNEY_NIGHT,
    });
    // Winter in Sydney, summer in Dublin.
    const july = waits({
      stages: [
        stage('Deploy', 'region', [
          windowWait('a', 1, 'ap-southeast-2', '2026-07-06T15:00:00.000Z'),
          windowWait('b', 1, 'eu-west-1', '2026-07-07T00:00:00.000Z'),
        ]),
      ],
    });
    expect(july.a?.text).toBe('its window, opens Tue 01:00 AEST (2026-07-06 15:00Z)');
    expect(july.b?.text).toBe('its window, opens Tue 01:00 IST (2026-07-07 00:00Z)');
  });

  it('a step held for a window that does not open within a year says why', () => {
    const held = act('a', 1, 'eu-west-1', 'Waiting', {
      waitingFor: 'window',
      waitingReason: 'window: no window in the next year is long enough for 6h (expected duration)',
    });
    expect(waits({ stages: [stage('Deploy', 'region', [held])] }).a).toEqual({
      kind: 'window',
      text: 'its window: no window in the next year is long enough for 6h (expected duration)',
    });
  });

  it('a halted step: the halt with who, when and why', () => {
    const reason = 'deploys to eu-west-1 halted by ada at 2026-12-05T09:00:00.000Z: incident 42; lift with `meridian unhalt --region eu-west-1`';
    const halted = act('eu-west-1-infrastructure', 1, 'eu-west-1', 'Waiting', { waitingFor: 'halt', waitingReason: `halt: ${reason}` });
    expect(waits({ stages: [stage('Deploy', 'region', [halted])] })['eu-west-1-infrastructure']).toEqual({
      kind: 'halt',
      text: `the halt to be lifted: ${reason}`,
    });
  });

  it('an approval waiting: an answer', () => {
    const approval = act('go-ahead', 1, 'eu-west-1', 'Waiting', { category: 'Approval', lane: null, waitingReason: 'approval: run approve' });
    expect(waits({ stages: [stage('Gate', 'stage', [approval])] })['go-ahead']).toEqual({ kind: 'approval', text: 'an answer (approve or reject)' });
  });

  it("in region lanes, a Pending step names the step of its own lane that holds it, with that step's window", () => {
    const result = waits({
      stages: [
        stage(
          'Deploy',
          'region',
          seed({
            'eu-west-1-infrastructure': 'Succeeded',
            'eu-west-1-prepare': windowWait('eu-west-1-prepare', 2, 'eu-west-1', '2026-12-01T01:00:00.000Z'),
            'ap-southeast-2-infrastructure': windowWait('ap-southeast-2-infrastructure', 1, 'ap-southeast-2', SYDNEY_NIGHT),
            'us-east-1-infrastructure': 'Succeeded',
            'us-east-1-prepare': 'InProgress',
          }),
        ),
      ],
    });
    expect(result['eu-west-1-execute']).toEqual({
      kind: 'lane',
      text: 'an earlier step of its lane: eu-west-1-prepare (waiting for its window, opens Tue 01:00 GMT)',
      until: '2026-12-01T01:00:00.000Z',
    });
    // The step that holds the lane, not merely the one before: execute waits for infrastructure.
    expect(result['ap-southeast-2-execute']).toMatchObject({
      kind: 'lane',
      text: 'an earlier step of its lane: ap-southeast-2-infrastructure (waiting for its window, opens Tue 01:00 AEDT)',
    });
    expect(result['us-east-1-execute']).toEqual({ kind: 'lane', text: 'an earlier step of its lane: us-east-1-prepare (running)' });
    expect(result['us-east-1-prepare']).toBeNull();
    expect(result['us-east-1-infrastructure']).toBeNull();
  });

  it('in region lanes, a stage-wide step holds every lane, and waits for every lane', () => {
    const approval = act('go-ahead', 2, 'eu-west-1', 'Pending', { lane: null, category: 'Approval' });
    const actions = [
      act('eu-west-1-prepare', 1, 'eu-west-1', 'Succeeded'),
      windowWait('us-east-1-prepare', 1, 'us-east-1', '2026-12-01T06:00:00.000Z'),
      approval,
      act('eu-west-1-switch', 3, 'eu-west-1'),
      act('us-east-1-switch', 3, 'us-east-1'),
    ];
    const result = waits({ stages: [stage('Deploy', 'region', actions)] });
    expect(result['go-ahead']).toMatchObject({
      kind: 'runOrder',
      text: "every region's earlier steps: us-east-1-prepare (waiting for its window, opens Tue 01:00 EST)",
    });
    // eu-west-1's lane is clear up to the stage-wide step; us-east-1's own step comes first.
    expect(result['eu-west-1-switch']).toEqual({ kind: 'stage-wide', text: 'the stage-wide step go-ahead (not started)' });
    expect(result['us-east-1-switch']).toMatchObject({
      kind: 'lane',
      text: 'an earlier step of its lane: us-east-1-prepare (waiting for its window, opens Tue 01:00 EST)',
    });
    const asked = waits({
      stages: [
        stage(
          'Deploy',
          'region',
          actions.map((a) =>
            a.name === 'go-ahead' ? { ...a, status: 'Waiting' as const } : a.name === 'us-east-1-prepare' ? { ...a, status: 'Succeeded' as const } : a,
          ),
        ),
      ],
    });
    expect(asked['us-east-1-switch']).toEqual({ kind: 'stage-wide', text: 'the stage-wide step go-ahead (waiting for an answer)' });
  });

  it('with runOrder stage-wide, a Pending step waits for the runOrder of other regions', () => {
    const result = waits({
      stages: [
        stage(
          'Deploy',
          'stage',
          seed({
            'eu-west-1-infrastructure': 'Succeeded',
            'us-east-1-infrastructure': 'InProgress',
            'ap-southeast-2-infrastructure': windowWait('ap-southeast-2-infrastructure', 1, 'ap-southeast-2', SYDNEY_NIGHT),
          }),
        ),
      ],
    });
    expect(result['eu-west-1-prepare']).toEqual({
      kind: 'runOrder',
      text: 'runOrder 1: us-east-1-infrastructure (running), ap-southeast-2-infrastructure (waiting for its window, opens Tue 01:00 AEDT)',
      until: SYDNEY_NIGHT,
    });
    // Its own region's step is named last.
    expect(result['us-east-1-execute']?.text).toBe(
      'runOrder 1: ap-southeast-2-infrastructure (waiting for its window, opens Tue 01:00 AEDT), us-east-1-infrastructure (running)',
    );
  });

  it('a step of a later stage waits for the stage that runs; a stage another execution holds says so', () => {
    const build = stage('Build', 'stage', [act('build', 1, 'eu-west-1', 'InProgress', { lane: null, category: 'Build' })]);
    const deploy = stage('Deploy', 'region', seed({}), 'Pending');
    expect(waits({ stages: [build, deploy] })['eu-west-1-prepare']).toEqual({ kind: 'stage', text: 'stage Build to finish' });
    const built = { ...build, status: 'Succeeded' as const };
    const held = waits({ stages: [built, deploy], stageWait: { stage: 'Deploy', reason: 'execution 1234 is in it (execution mode QUEUED)' } });
    expect(held['ap-southeast-2-execute']).toEqual({ kind: 'stage', text: 'stage Deploy to be free: execution 1234 is in it (execution mode QUEUED)' });
  });

  it('after a failed lane: with `stop` no step starts; with `continue` only the failed lane stops', () => {
    const actions = seed({ 'eu-west-1-infrastructure': 'Failed', 'us-east-1-infrastructure': 'Succeeded', 'ap-southeast-2-infrastructure': 'InProgress' });
    const stopped = waits({ stages: [stage('Deploy', 'region', actions)] });
    expect(stopped['us-east-1-prepare']).toEqual({ kind: 'stage', text: 'the stage to end: eu-west-1-infrastructure failed, so this step will not start' });
    const going = waits({ stages: [stage('Deploy', 'region', actions, 'InProgress', { onLaneFailure: 'continue' })] });
    expect(going['eu-west-1-prepare']?.kind).toBe('stage');
    expect(going['us-east-1-prepare']).toBeNull();
    expect(going['ap-southeast-2-prepare']?.kind).toBe('lane');
  });

  it('in a rollout stage, a region of a later wave waits for the waves before it', () => {
    const rollout = { waves: [['ap-southeast-2'], ['eu-west-1', 'us-east-1']] };
    const deploying = waits({
      rollout,
      stages: [stage('Deploy', 'rollout', seed({ 'ap-southeast-2-infrastructure': 'Succeeded', 'ap-southeast-2-prepare': 'InProgress' }))],
    });
    expect(deploying['eu-west-1-infrastructure']).toEqual({
      kind: 'wave',
      text: 'wave 1 (ap-southeast-2) to deploy and bake: ap-southeast-2-prepare (running)',
    });
    expect(deploying['eu-west-1-prepare']?.kind).toBe('lane');
    const baking = waits({
      rollout,
      stages: [
        stage(
          'Deploy',
          'rollout',
          seed({ 'ap-southeast-2-infrastructure': 'Succeeded', 'ap-southeast-2-prepare': 'Succeeded', 'ap-southeast-2-execute': 'Succeeded' }),
        ),
      ],
    });
    expect(baking['us-east-1-infrastructure']).toEqual({ kind: 'wave', text: 'wave 1 (ap-southeast-2) to bake' });
    const oneAtATime = waits({
      rollout: { ...rollout, maxParallel: 1 },
      stages: [
        stage(
          'Deploy',
          'rollout',
          seed({
            'ap-southeast-2-infrastructure': 'Succeeded',
            'ap-southeast-2-prepare': 'Succeeded',
            'ap-southeast-2-execute': 'Succeeded',
            'eu-west-1-infrastructure': 'InProgress',
          }),
        ),
      ],
    });
    expect(oneAtATime['us-east-1-infrastructure']).toEqual({
      kind: 'wave',
      text: 'a free place in wave 2, which deploys 1 region at once: eu-west-1 deploys now',
    });
  });

  it('says nothing once the execution ended, nor for steps that run or start next', () => {
    const actions = seed({ 'eu-west-1-infrastructure': 'Succeeded', 'us-east-1-infrastructure': 'InProgress' });
    expect(Object.values(waits({ status: 'Failed', stages: [stage('Deploy', 'region', actions)] })).every((w) => w === null)).toBe(true);
    const running = waits({ stages: [stage('Deploy', 'region', actions)] });
    expect(running['eu-west-1-infrastructure']).toBeNull();
    expect(running['us-east-1-infrastructure']).toBeNull();
    expect(running['ap-southeast-2-infrastructure']).toBeNull();
  });
});
