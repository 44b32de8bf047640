/**
 * The lane plan: when each step of each lane would start and end if an execution started at
 * `at` and windows held it (what a disruptive execution does; `meridian plan` shows it, the
 * dashboard draws it). It follows the engine step by step with the engine's own functions, so
 * the instants are the ones the engine then starts the actions at:
 *
 * - stages run in order: a stage starts when the one before it ended (a rollout stage once its
 *   last wave baked);
 * - how a stage orders its runOrders is `stageLanes` (domain/region-lanes.ts) for an execution
 *   that windows hold;
 * - an action starts when the engine is about to start it (its dependencies ended), unless its
 *   region's windows gate it: then at the first window the fit check (`judgeWindow`) finds room
 *   in. In lanes the need is the lane's remaining steps (`laneSteps`, `laneNeedMs`) plus the
 *   bake, and the step alone when no window within a year fits them all; stage-wide, and in
 *   `stage` order, an action's own expected duration plus the bake;
 * - a step ends its expected duration (the longest of its actions') after it starts.
 *
 * A step no window within a year has room for gets `startsAt: null` and a note; what waits
 * for it (the rest of its lane, the stage-wide steps after it, later stages) never starts.
 * Pure: the caller passes the instant and the expected durations.
 */
import type { Action, Pipeline, Stage } from './pipeline.js';
import { laneNeedMs, laneOf, laneSteps, stageLanes, windowsHold, type LaneStepNeed, type StageOrder } from './region-lanes.js';
import { isGatedByWindows, windowsOfRegion, type RegionWindows } from './region-windows.js';
import { formatSpan, judgeWindow } from './window-gate.js';
import { windowStateAt } from './windows/index.js';

/** `(stage, action) => ms`: the action's expected duration (declared, else the median of its last successful runs, else 0). */
export type DurationOf = (stage: string, action: string) => number;

export interface LaneWindow {
  opensAt: string;
  closesAt: string;
}

export interface LanePlanStep {
  runOrder: number;
  actions: string[];
  /** The longest expected duration among the step's actions, ms. */
  expectedMs: number;
  startsAt: string | null;
  endsAt: string | null;
  /** The open interval the step runs in; null when the region has no windows (or it starts outside one). */
  window: LaneWindow | null;
  /** Why the step has no start. */
  note?: string;
}

/** One lane of one stage: a region's steps, or the stage-wide ones (`region: null`). */
export interface LanePlan {
  stage: string;
  order: StageOrder;
  region: string | null;
  timezone: string;
  steps: LanePlanStep[];
}

export interface WavePlan {
  regions: string[];
  /** When its last step ends, and when its bake does (the next wave starts then). */
  endsAt: string | null;
  bakedAt: string | null;
}

export interface StagePlan {
  stage: string;
  order: StageOrder;
  why: string;
  startsAt: string | null;
  endsAt: string | null;
  /** A rollout stage's waves, in order; empty for other stages. */
  waves: WavePlan[];
}

export interface PipelinePlan {
  stages: StagePlan[];
  lanes: LanePlan[];
}

/** An instant in ms, or null: never (something before it has no window). */
type At = number | null;

/** The note of a step that waits for one with no window (the step with no window says why itself). */
export const NEVER_NOTE = 'never starts: a step it waits for has no window within a year';

export function planLanes(pipeline: Pipeline, at: Date, durationOf: DurationOf): PipelinePlan {
  const held = windowsHold(pipeline, true);
  const stages: StagePlan[] = [];
  const lanes: LanePlan[] = [];
  let from: At = at.getTime();
  for (const stage of pipeline.stages) {
    const { order, why } = stageLanes(pipeline, stage, held);
    const sim = new StageRun(pipeline, stage, order, durationOf);
    const run: StageEnd = order === 'region' ? sim.inRegionLanes(from) : order === 'rollout' ? sim.inWaves(from) : sim.stageWide(from);
    stages.push({ stage: stage.name, order, why, startsAt: iso(from), endsAt: iso(run.endsAt), waves: run.waves });
    lanes.push(...sim.lanes());
    from = run.endsAt;
  }
  return { stages, lanes };
}

interface StageEnd {
  endsAt: At;
  waves: WavePlan[];
}

interface Judged {
  at: At;
  note?: string;
}

/** One stage's simulation: the steps it planned, by lane. */
class StageRun {
  private readonly steps = new Map<string | null, LanePlanStep[]>();
  private readonly bakeMs: number;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly stage: Stage,
    private readonly order: StageOrder,
    private readonly durationOf: DurationOf,
  ) {
    this.bakeMs = pipeline.rollout?.bakeMs ?? 0;
    // Lanes in the order the definition first names them.
    for (const action of stage.actions) this.steps.set(this.laneKey(action), this.steps.get(this.laneKey(action)) ?? []);
  }

  lanes(): LanePlan[] {
    return [...this.steps.entries()].map(([region, steps]) => ({
      stage: this.stage.name,
      order: this.order,
      region,
      timezone: this.timezoneOf(region ?? this.pipeline.homeRegion),
      steps: steps.sort((a, b) => a.runOrder - b.runOrder),
    }));
  }

  /** runOrder stage-wide (CodePipeline): runOrder n starts everywhere once every runOrder below it ended. */
  stageWide(from: At): StageEnd {
    let t = from;
    for (const runOrder of runOrders(this.stage.actions)) {
      const actions = this.stage.actions.filter((a) => a.runOrder === runOrder);
      t = this.place(actions, t, (a) => this.alone(a, t));
    }
    return { endsAt: t, waves: [] };
  }

  /**
   * Region lanes (domain/region-lanes.ts startableInLanes): a lane's step once the lane's lower
   * steps and the lower stage-wide steps ended; a stage-wide step once every lower step ended.
   */
  inRegionLanes(from: At): StageEnd {
    const laneEnd = new Map<string, At>();
    let wideEnd: At = from;
    let allEnd: At = from;
    for (const runOrder of runOrders(this.stage.actions)) {
      const actions = this.stage.actions.filter((a) => a.runOrder === runOrder);
      const before = { wideEnd, allEnd };
      for (const lane of [...new Set(actions.map((a) => laneOf(a)))]) {
        const inLane = actions.filter((a) => laneOf(a) === lane);
        if (lane === null) {
          const end = this.place(inLane, before.allEnd, (a) => this.alone(a, before.allEnd));
          wideEnd = latest(wideEnd, end);
          allEnd = latest(allEnd, end);
          continue;
        }
        const ready = latest(laneEnd.has(lane) ? (laneEnd.get(lane) ?? null) : from, before.wideEnd);
        const end = this.place(inLane, ready, (a) => this.inLane(a, lane, ready));
        laneEnd.set(lane, end);
        allEnd = latest(allEnd, end);
      }
    }
    return { endsAt: allEnd, waves: [] };
  }

  /**
   * A rollout stage (domain/rollout-step.ts laneStep): wave after wave, each region of a wave
   * through its own runOrders from the wave's start (at most `maxParallel` regions at once),
   * the next wave once the last region of this one ended and baked. Regions no wave names go
   * with the first wave.
   */
  inWaves(from: At): StageEnd {
    const rollout = this.pipeline.rollout;
    const regions = [...new Set(this.stage.actions.map((a) => a.region))];
    const listed = new Set(rollout?.waves.flat() ?? []);
    const waves = (rollout?.waves ?? [regions]).map((wave, w) => (w === 0 ? [...wave, ...regions.filter((r) => !listed.has(r))] : wave));
    const planned: WavePlan[] = [];
    let start = from;
    for (const wave of waves) {
      const inWave = wave.filter((r) => regions.includes(r));
      if (inWave.length === 0) continue;
      // A slot per region that may deploy at once: a region takes the one that frees first.
      const slots: At[] = inWave.slice(0, rollout?.maxParallel ?? inWave.length).map(() => start);
      let end: At = start;
      for (const region of inWave) {
        const slot = earliestSlot(slots);
        const free = slots[slot];
        const laneEnd = this.regionInWave(region, free === undefined ? start : free);
        slots[slot] = laneEnd;
        end = latest(end, laneEnd);
      }
      const bakedAt = end === null ? null : end + this.bakeMs;
      planned.push({ regions: inWave, endsAt: iso(end), bakedAt: iso(bakedAt) });
      start = bakedAt;
    }
    return { endsAt: start, waves: planned };
  }

  /** One region's lane inside its wave: its runOrders one after the other. */
  private regionInWave(region: string, from: At): At {
    let t = from;
    for (const runOrder of runOrders(this.stage.actions.filter((a) => a.region === region))) {
      const actions = this.stage.actions.filter((a) => a.region === region && a.runOrder === runOrder);
      const ready = t;
      t = this.place(actions, ready, (a) => {
        const lane = laneOf(a);
        return lane === null ? this.alone(a, ready) : this.inLane(a, lane, ready);
      });
    }
    return t;
  }

  /**
   * Starts actions that became startable at `ready` (each at its judged instant), records them
   * as steps of their lanes, one step per start instant; returns when the last one ends.
   */
  private place(actions: readonly Action[], ready: At, judge: (action: Action) => Judged): At {
    const groups = new Map<string, { lane: string | null; runOrder: number; judged: Judged; actions: Action[] }>();
    for (const action of actions) {
      const judged = ready === null ? { at: null, note: NEVER_NOTE } : this.gated(action) ? judge(action) : { at: ready };
      const lane = this.laneKey(action);
      const key = JSON.stringify([lane, action.runOrder, judged.at, judged.note ?? null]);
      const group = groups.get(key) ?? { lane, runOrder: action.runOrder, judged, actions: [] };
      group.actions.push(action);
      groups.set(key, group);
    }
    let end: At = ready;
    for (const { lane, runOrder, judged, actions: inStep } of groups.values()) {
      const expectedMs = Math.max(0, ...inStep.map((a) => this.expected(a)));
      const endsAt = judged.at === null ? null : judged.at + expectedMs;
      const region = inStep[0]?.region ?? this.pipeline.homeRegion;
      const step: LanePlanStep = {
        runOrder,
        actions: inStep.map((a) => a.name),
        expectedMs,
        startsAt: iso(judged.at),
        endsAt: iso(endsAt),
        window: judged.at === null ? null : openWindow(windowsOfRegion(this.pipeline, region), judged.at),
        ...(judged.note === undefined ? {} : { note: judged.note }),
      };
      this.steps.get(lane)?.push(step);
      end = latest(end, endsAt);
    }
    return end;
  }

  /** Judged on its own: its expected duration plus the bake (a stage-wide action, or `stage` order). */
  private alone(action: Action, now: At): Judged {
    if (now === null) return { at: null, note: NEVER_NOTE };
    const region = windowsOfRegion(this.pipeline, action.region);
    return decided(judgeWindow(region.windows, region.zone, new Date(now), this.expected(action) + this.bakeMs), now);
  }

  /**
   * In a lane (window-waits.ts judge): the first window with room for the lane's steps from
   * this one on and the bake; when no window within a year has room for them all, the step alone.
   */
  private inLane(action: Action, lane: string, now: At): Judged {
    if (now === null) return { at: null, note: NEVER_NOTE };
    const region = windowsOfRegion(this.pipeline, action.region);
    const remaining = this.stage.actions.filter((a) => a.region === lane && laneOf(a) === lane && a.runOrder >= action.runOrder);
    const steps: LaneStepNeed[] = laneSteps(remaining, (a) => this.expected(a));
    const laneMs = laneNeedMs(steps, this.bakeMs);
    const bake = this.bakeMs > 0 ? ' and bake' : '';
    const whole = judgeWindow(
      region.windows,
      region.zone,
      new Date(now),
      laneMs,
      steps.length > 1 ? `the lane's ${steps.length} remaining steps${bake}` : `expected duration${bake}`,
    );
    const [first] = steps;
    if (whole.kind === 'start' || whole.opensAt !== null || first === undefined || steps.length < 2) return decided(whole, now);
    const alone = decided(judgeWindow(region.windows, region.zone, new Date(now), laneNeedMs([first], 0), 'expected duration'), now);
    return alone.note === undefined
      ? alone
      : { at: null, note: `${alone.note}; no window fits the lane's ${steps.length} remaining steps (${formatSpan(laneMs)}), so they go window by window` };
  }

  /** Does the engine judge this action by windows (for an execution they hold)? */
  private gated(action: Action): boolean {
    return isGatedByWindows(action) && windowsOfRegion(this.pipeline, action.region).windows.length > 0;
  }

  private expected(action: Action): number {
    return Math.max(0, this.durationOf(this.stage.name, action.name));
  }

  /** The lane a step is shown in: the action's region lane (a rollout groups by region), or null for stage-wide. */
  private laneKey(action: Action): string | null {
    return this.order === 'rollout' ? action.region : laneOf(action);
  }

  private timezoneOf(region: string): string {
    return this.pipeline.regions.find((r) => r.name === region)?.timezone ?? 'UTC';
  }
}

function decided(decision: ReturnType<typeof judgeWindow>, now: number): Judged {
  if (decision.kind === 'start') return { at: now };
  return decision.opensAt === null ? { at: null, note: decision.reason } : { at: decision.opensAt.getTime() };
}

/** The open interval holding `at` (its real opening, maybe before `at`); null outside windows or without any. */
function openWindow(region: RegionWindows, at: number): LaneWindow | null {
  if (region.windows.length === 0) return null;
  const state = windowStateAt(region.windows, region.zone, new Date(at));
  if (!state.open || state.closesAt === null) return null;
  return { opensAt: new Date(state.openedAt?.getTime() ?? at).toISOString(), closesAt: state.closesAt.toISOString() };
}

function runOrders(actions: readonly Action[]): number[] {
  return [...new Set(actions.map((a) => a.runOrder))].sort((a, b) => a - b);
}

function latest(a: At, b: At): At {
  return a === null || b === null ? null : Math.max(a, b);
}

function earliestSlot(slots: readonly At[]): number {
  let best = 0;
  slots.forEach((slot, i) => {
    const current = slots[best];
    if (slot !== null && (current === null || current === undefined || slot < current)) best = i;
  });
  return best;
}

function iso(at: At): string | null {
  return at === null ? null : new Date(at).toISOString();
}
