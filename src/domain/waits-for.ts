/**
 * What an action that has not started waits for, in the words its card on the dashboard
 * shows: its region's window (the opening in the region's own zone, and in UTC), a halt, an
 * answer, an earlier step of its region lane, a stage-wide step, another region's runOrder,
 * an earlier rollout wave, or an earlier stage.
 *
 * It follows the engine's rules (domain/next-step.ts, region-lanes.ts, rollout-step.ts) to
 * name the blocking steps: the lowest runOrder that is not done among the steps the action
 * waits for, i.e. the ones that hold it now, not merely the step before it. Pure: the
 * server's execution view passes the statuses and how each stage orders its runOrders for
 * this execution (engine/window-waits.ts `stageOrder`).
 */
import type { ActionStatus, ExecutionStatus, StageStatus } from './execution.js';
import type { LaneFailurePolicy } from './pipeline.js';
import type { StageOrder } from './region-lanes.js';

export type WaitKind = 'window' | 'halt' | 'approval' | 'lane' | 'stage-wide' | 'runOrder' | 'wave' | 'stage';

export interface WaitsFor {
  kind: WaitKind;
  /** Reads after "Waits for": `its window, opens Tue 01:00 AEDT (2026-11-30 14:00Z)`. */
  text: string;
  /** The earliest the wait may end, when a window says so: its opening, or the blocking step's. */
  until?: string;
}

export interface WaitingAction {
  name: string;
  status: ActionStatus;
  runOrder: number;
  region: string;
  /** Its region lane (domain/region-lanes.ts laneOf), null for a stage-wide action. */
  lane: string | null;
  category: string;
  /** What holds a Waiting action that has not started: `window` or `halt`. */
  waitingFor: string | null;
  waitingReason: string | null;
  opensAt: string | null;
}

export interface WaitingStage {
  name: string;
  status: StageStatus;
  /** How the stage orders its runOrders for this execution. */
  order: StageOrder;
  onLaneFailure?: LaneFailurePolicy;
  actions: readonly WaitingAction[];
}

export interface WaitsForInput {
  status: ExecutionStatus;
  regions: ReadonlyArray<{ name: string; timezone: string }>;
  stages: readonly WaitingStage[];
  /** The pipeline's rollout, for stages ordered by its waves. */
  rollout?: { waves: readonly (readonly string[])[]; maxParallel?: number } | null;
  /** The execution waits to enter this stage (another execution holds it). */
  stageWait?: { stage: string; reason: string } | null;
}

const DONE: ReadonlySet<ActionStatus> = new Set(['Succeeded', 'Skipped']);
const UNSUCCESSFUL: ReadonlySet<ActionStatus> = new Set(['Failed', 'Abandoned', 'Stopped']);
const SHOWN = 3;

/** Per stage, per action (in the input's order): what it waits for, or null (it runs, ended, or starts next). */
export function waitsFor(input: WaitsForInput): Array<Array<WaitsFor | null>> {
  const zoneOf = (region: string): string => input.regions.find((r) => r.name === region)?.timezone ?? 'UTC';
  return input.stages.map((stage, stageIndex) =>
    stage.actions.map((action) => {
      if (input.status !== 'InProgress') return null;
      if (action.status === 'Waiting') return held(action, zoneOf);
      if (action.status !== 'Pending') return null;
      if (stage.status === 'Pending') return beforeStage(input, stageIndex);
      if (stage.status !== 'InProgress') return null;
      return inStage(stage, action, input.rollout ?? null, zoneOf);
    }),
  );
}

/** A Waiting action: held for its window or a halt, or waiting for an answer. */
function held(action: WaitingAction, zoneOf: (region: string) => string): WaitsFor | null {
  if (action.waitingFor === 'window') {
    if (action.opensAt === null) return { kind: 'window', text: `its window: ${reasonOf(action, 'no window within a year has room for it')}` };
    return {
      kind: 'window',
      text: `its window, opens ${zonedOpening(action.opensAt, zoneOf(action.region))} (${utcMinute(action.opensAt)})`,
      until: action.opensAt,
    };
  }
  if (action.waitingFor === 'halt') return { kind: 'halt', text: `the halt to be lifted: ${reasonOf(action, 'deploys to its region are halted')}` };
  if (action.category === 'Approval') return { kind: 'approval', text: 'an answer (approve or reject)' };
  return null;
}

/** The stored reason without the `window: ` or `halt: ` the engine puts in front of it. */
function reasonOf(action: WaitingAction, otherwise: string): string {
  const reason = action.waitingReason ?? '';
  const prefix = `${action.waitingFor ?? ''}: `;
  const text = reason.startsWith(prefix) ? reason.slice(prefix.length) : reason;
  return text === '' ? otherwise : text;
}

function beforeStage(input: WaitsForInput, stageIndex: number): WaitsFor {
  const stage = input.stages[stageIndex];
  if (stage !== undefined && input.stageWait?.stage === stage.name) return { kind: 'stage', text: `stage ${stage.name} to be free: ${input.stageWait.reason}` };
  const earlier = input.stages.slice(0, stageIndex).find((s) => s.status !== 'Succeeded' && s.status !== 'Skipped');
  return { kind: 'stage', text: earlier === undefined ? `stage ${stage?.name ?? ''} to start` : `stage ${earlier.name} to finish` };
}

function inStage(stage: WaitingStage, action: WaitingAction, rollout: WaitsForInput['rollout'], zoneOf: (region: string) => string): WaitsFor | null {
  const failed = stage.actions.filter((a) => UNSUCCESSFUL.has(a.status));
  const below = stage.actions.filter((a) => a.runOrder < action.runOrder && !DONE.has(a.status));
  if (stage.order === 'stage') {
    if (failed.length > 0) return stopping(failed);
    const frontier = lowest(below);
    if (frontier.length === 0) return null;
    const others = [...frontier.filter((a) => a.region !== action.region), ...frontier.filter((a) => a.region === action.region)];
    return withUntil({ kind: 'runOrder', text: `runOrder ${frontier[0]?.runOrder ?? ''}: ${list(others, zoneOf)}` }, frontier);
  }
  const policy = stage.order === 'region' ? (stage.onLaneFailure ?? 'stop') : 'stop';
  if (failed.length > 0 && (policy === 'stop' || action.lane === null || failed.some((a) => a.lane === action.lane))) return stopping(failed);
  if (action.lane === null) {
    // A stage-wide step waits for every lane's lower runOrders: each lane's first step not done.
    if (below.length === 0) return null;
    const lanes = [...new Set(below.map((a) => a.lane))];
    const frontier = lanes.flatMap((lane) => lowest(below.filter((a) => a.lane === lane)));
    if (frontier.every((a) => a.lane === null)) return withUntil({ kind: 'stage-wide', text: `the stage-wide step ${list(frontier, zoneOf)}` }, frontier);
    return withUntil({ kind: 'runOrder', text: `every region's earlier steps: ${list(frontier, zoneOf)}` }, frontier);
  }
  const frontier = lowest(below.filter((a) => a.lane === action.lane || a.lane === null));
  const own = frontier.filter((a) => a.lane !== null);
  if (own.length > 0) return withUntil({ kind: 'lane', text: `an earlier step of its lane: ${list(own, zoneOf)}` }, own);
  if (frontier.length > 0) return withUntil({ kind: 'stage-wide', text: `the stage-wide step ${list(frontier, zoneOf)}` }, frontier);
  return stage.order === 'rollout' && rollout ? wave(stage, action, rollout, zoneOf) : null;
}

/** In a rollout stage, a lane whose own steps are clear waits for the waves before its own. */
function wave(stage: WaitingStage, action: WaitingAction, rollout: NonNullable<WaitsForInput['rollout']>, zoneOf: (region: string) => string): WaitsFor | null {
  const listed = new Set(rollout.waves.flat());
  // Regions no wave names go with the first wave (as domain/rollout-step.ts orders them).
  const waves = rollout.waves.map((w, i) => (i === 0 ? [...w, ...[...new Set(stage.actions.map((a) => a.region))].filter((r) => !listed.has(r))] : [...w]));
  const index = waves.findIndex((w) => w.includes(action.region));
  for (const [w, regions] of waves.slice(0, Math.max(0, index)).entries()) {
    const open = stage.actions.filter((a) => regions.includes(a.region) && !DONE.has(a.status));
    const frontier = [...new Set(open.map((a) => a.region))].flatMap((region) => lowest(open.filter((a) => a.region === region)));
    const name = `wave ${w + 1} (${regions.join(', ')})`;
    if (frontier.length > 0) return withUntil({ kind: 'wave', text: `${name} to deploy and bake: ${list(frontier, zoneOf)}` }, frontier);
    // A wave's bake is over once a region of a later wave started (domain/rollout-step.ts).
    const laterStarted = stage.actions.some((a) => a.status !== 'Pending' && waves.slice(w + 1).some((later) => later.includes(a.region)));
    if (w === index - 1 && !laterStarted) return { kind: 'wave', text: `${name} to bake` };
  }
  if (rollout.maxParallel === undefined || index < 0) return null;
  const busy = (waves[index] ?? []).filter(
    (r) =>
      r !== action.region &&
      stage.actions.some((a) => a.region === r && a.status !== 'Pending') &&
      stage.actions.some((a) => a.region === r && !DONE.has(a.status)),
  );
  if (busy.length < rollout.maxParallel) return null;
  return {
    kind: 'wave',
    text: `a free place in wave ${index + 1}, which deploys ${rollout.maxParallel} region${rollout.maxParallel === 1 ? '' : 's'} at once: ${busy.join(', ')} ${busy.length === 1 ? 'deploys' : 'deploy'} now`,
  };
}

function stopping(failed: readonly WaitingAction[]): WaitsFor {
  return { kind: 'stage', text: `the stage to end: ${failed.map((a) => `${a.name} ${a.status.toLowerCase()}`).join(', ')}, so this step will not start` };
}

/** The actions of the lowest runOrder among `actions`. */
function lowest(actions: readonly WaitingAction[]): WaitingAction[] {
  if (actions.length === 0) return [];
  const runOrder = Math.min(...actions.map((a) => a.runOrder));
  return actions.filter((a) => a.runOrder === runOrder);
}

/** A blocked step may start no earlier than the last window its blockers wait for opens. */
function withUntil(wait: WaitsFor, blockers: readonly WaitingAction[]): WaitsFor {
  const opens = blockers.filter((a) => a.status === 'Waiting' && a.waitingFor === 'window' && a.opensAt !== null).map((a) => a.opensAt as string);
  if (opens.length === 0) return wait;
  return { ...wait, until: opens.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)) };
}

function list(actions: readonly WaitingAction[], zoneOf: (region: string) => string): string {
  const shown = actions.slice(0, SHOWN).map((a) => `${a.name} (${stateOf(a, zoneOf)})`);
  const more = actions.length - SHOWN;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

function stateOf(action: WaitingAction, zoneOf: (region: string) => string): string {
  switch (action.status) {
    case 'Waiting':
      if (action.waitingFor === 'window')
        return action.opensAt === null ? 'waiting for its window' : `waiting for its window, opens ${zonedOpening(action.opensAt, zoneOf(action.region))}`;
      if (action.waitingFor === 'halt') return 'halted';
      return action.category === 'Approval' ? 'waiting for an answer' : 'waiting';
    case 'InProgress':
      return 'running';
    case 'Pending':
      return 'not started';
    case 'Succeeded':
    case 'Failed':
    case 'Abandoned':
    case 'Stopped':
    case 'Skipped':
      return action.status.toLowerCase();
    default: {
      const never: never = action.status;
      return never;
    }
  }
}

/*
 * A zone's abbreviation (AEDT, EST, IST) is locale data: en-US knows EST but calls Sydney
 * GMT+11, en-AU knows AEDT, en-IE knows Irish summer time. The first locale that has a name
 * for the zone at that instant wins; none: Intl's offset (GMT+5:45).
 */
const LOCALES = ['en-US', 'en-GB', 'en-IE', 'en-AU', 'en-NZ', 'en-IN', 'en-SG', 'en-ZA', 'en-HK', 'ja-JP', 'pt-BR'];
// Making an Intl.DateTimeFormat costs far more than using one: one per locale and zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone} ${Object.keys(options).join(',')}`;
  let found = formatters.get(key);
  if (found === undefined) {
    found = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, found);
  }
  return found;
}

/** The zone's abbreviation at `at` (daylight time included): `AEDT`, `EST`, `IST`, `GMT`. */
export function zoneAbbreviation(at: Date, timeZone: string): string {
  let fallback = '';
  for (const locale of LOCALES) {
    const name =
      formatter(locale, timeZone, { timeZoneName: 'short' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (/^[A-Z]{2,5}$/.test(name)) return name;
    if (fallback === '') fallback = name;
  }
  return fallback;
}

/** `Tue 01:00 AEDT`: the weekday and time in the zone, with its abbreviation then. */
export function zonedOpening(iso: string, timeZone: string): string {
  const at = new Date(iso);
  const parts = Object.fromEntries(
    formatter('en-GB', timeZone, { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday ?? ''} ${parts.hour ?? ''}:${parts.minute ?? ''} ${zoneAbbreviation(at, timeZone)}`;
}

/** `2026-11-30 14:00Z`. */
export function utcMinute(iso: string): string {
  const at = new Date(iso).toISOString();
  return `${at.slice(0, 10)} ${at.slice(11, 16)}Z`;
}
