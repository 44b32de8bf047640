/**
 * Actions waiting for their region's deployment window, or for a halt to be lifted. The
 * engine asks `judge` when an action is about to start (never earlier: a window is judged at
 * that instant), `hold` parks it as `Waiting` with when the window opens (in the store, so a
 * restart resumes the wait), and `wake` re-judges parked actions on every advance and starts
 * the ones whose window opened, or that an operator overrode. Each change of reason is one
 * event.
 *
 * Which actions, when: see domain/region-windows.ts (gated categories, policy,
 * disruptive executions) and domain/window-gate.ts (the decision and the fit check). A halt
 * (stores/state/halt-records.ts) holds every gated action of its region, windows or not, and
 * wins over an override. In region lanes the fit check judges the lane's remaining steps
 * (domain/region-lanes.ts), so a lane does not start a night it cannot finish.
 */
import type { Action } from '../domain/pipeline.js';
import { heldAfterFailure, laneNeedMs, laneOf, laneSteps, stageLanes, windowsHold, type StageLanes } from '../domain/region-lanes.js';
import { asksForWindow, isGatedByWindows, windowsApply, windowsOfRegion } from '../domain/region-windows.js';
import { formatSpan, judgeWindow, type WindowDecision } from '../domain/window-gate.js';
import type { Clock } from '../lib/clock.js';
import { activeHalts, haltOf } from '../stores/state/halt-records.js';
import type { ActionRecord, ExecutionSnapshot } from '../domain/records.js';
import type { Db, NewEvent, StateStore } from '../stores/state/state-store.js';
import { medianDuration, windowOverrides, type WindowOverride } from '../stores/state/window-records.js';

export type WindowJudgement =
  (WindowDecision & { kind: 'wait'; waitingFor: 'window' | 'halt' }) | { kind: 'start'; closesAt: Date | null; override?: WindowOverride };

type Record = (event: NewEvent) => Promise<void>;
type Key = { executionId: string; stageIndex: number; actionIndex: number };
/** Queues the next attempt of an action (the engine's own bookkeeping). */
export type QueueAttempt = (tx: Db, key: Key, region: string, attempt: number, at: string) => Promise<void>;

export class WindowWaits {
  /** Execution id -> the earliest instant one of its waits may end (for the runners' timers). */
  private readonly wakeAt = new Map<string, number>();

  constructor(private readonly deps: { store: StateStore; clock: Clock }) {}

  /** The earliest instant a window wait of these executions (all, when omitted) may end. */
  nextWake(executionIds?: Iterable<string>): Date | null {
    const ids = executionIds === undefined ? [...this.wakeAt.keys()] : [...executionIds];
    const times = ids.map((id) => this.wakeAt.get(id)).filter((t): t is number => t !== undefined);
    return times.length === 0 ? null : new Date(Math.min(...times));
  }

  /** Called before an execution's waits are judged again. */
  forget(executionId: string): void {
    this.wakeAt.delete(executionId);
  }

  noteWake(executionId: string, at: Date | null): void {
    if (at === null) return;
    const known = this.wakeAt.get(executionId);
    if (known === undefined || at.getTime() < known) this.wakeAt.set(executionId, at.getTime());
  }

  async judge(tx: Db, snapshot: ExecutionSnapshot, stageIndex: number, actionIndex: number): Promise<WindowJudgement> {
    const { execution } = snapshot;
    const pipeline = execution.definition;
    const stage = pipeline.stages[stageIndex];
    const action = stage?.actions[actionIndex];
    if (!stage || !action || !isGatedByWindows(action)) return { kind: 'start', closesAt: null };
    const halt = haltOf(await activeHalts(tx), action.region);
    if (halt !== undefined) {
      const where = halt.region === null ? 'every region' : halt.region;
      const lift = halt.region === null ? 'meridian unhalt' : `meridian unhalt --region ${halt.region}`;
      return {
        kind: 'wait',
        waitingFor: 'halt',
        opensAt: null,
        closesAt: null,
        reason: `deploys to ${where} halted by ${halt.by} at ${halt.at}: ${halt.reason}; lift with \`${lift}\``,
      };
    }
    const region = windowsOfRegion(pipeline, action.region);
    if (region.windows.length === 0 || !windowsApply(pipeline.windowPolicy, isDisruptive(snapshot))) return { kind: 'start', closesAt: null };
    const override = (await windowOverrides(tx, execution.id)).find((o) => o.region === action.region);
    if (override) return { kind: 'start', closesAt: null, override };
    const now = this.deps.clock.now();
    const bakeMs = pipeline.rollout?.bakeMs ?? 0;
    const order = stageOrder(snapshot, stageIndex).order;
    const lane = laneOf(action);
    if (order === 'stage' || lane === null) {
      const decision = judgeWindow(region.windows, region.zone, now, (await expectedMs(tx, execution.pipeline, stage.name, action)) + bakeMs);
      return decision.kind === 'start' ? { kind: 'start', closesAt: decision.closesAt } : { ...decision, waitingFor: 'window' };
    }
    // The lane's steps from this one on; the bake follows the last (a rollout wave's).
    const remaining = snapshot.actions.filter(
      (a) =>
        a.stageIndex === stageIndex &&
        a.region === lane &&
        a.runOrder >= action.runOrder &&
        (a.status === 'Pending' || a.status === 'Waiting' || a.actionIndex === actionIndex),
    );
    const durations = new Map<number, number>();
    for (const a of remaining) {
      const declared = stage.actions[a.actionIndex];
      if (declared !== undefined && laneOf(declared) === lane) durations.set(a.actionIndex, await expectedMs(tx, execution.pipeline, stage.name, declared));
    }
    const steps = laneSteps(
      remaining.filter((a) => durations.has(a.actionIndex)),
      (a) => durations.get(a.actionIndex) ?? 0,
    );
    const [first] = steps;
    const laneMs = laneNeedMs(steps, bakeMs);
    const bake = bakeMs > 0 ? ' and bake' : '';
    const whole = judgeWindow(
      region.windows,
      region.zone,
      now,
      laneMs,
      steps.length > 1 ? `the lane's ${steps.length} remaining steps${bake}` : `expected duration${bake}`,
    );
    if (whole.kind === 'start') return { kind: 'start', closesAt: whole.closesAt };
    if (whole.opensAt !== null || first === undefined || steps.length < 2) return { ...whole, waitingFor: 'window' };
    // No window is long enough for the rest of the lane: its steps go window by window.
    const alone = judgeWindow(region.windows, region.zone, now, laneNeedMs([first], 0), 'expected duration');
    if (alone.kind === 'start') return { kind: 'start', closesAt: alone.closesAt };
    return {
      ...alone,
      waitingFor: 'window',
      reason: `${alone.reason}; no window fits the lane's ${steps.length} remaining steps (${formatSpan(laneMs)}), so they go window by window`,
    };
  }

  /** Parks an action until its window opens; records an event when the reason changed. */
  async hold(tx: Db, snapshot: ExecutionSnapshot, key: Key, decision: WindowJudgement & { kind: 'wait' }, record: Record): Promise<void> {
    const current = snapshot.actions.find((a) => a.stageIndex === key.stageIndex && a.actionIndex === key.actionIndex);
    const opensAt = decision.opensAt?.toISOString() ?? null;
    const reason = `${decision.waitingFor}: ${decision.reason}`;
    this.noteWake(key.executionId, decision.opensAt);
    if (!current || (current.status === 'Waiting' && current.waitingReason === reason && current.opensAt === opensAt)) return;
    await this.deps.store.updateAction(tx, key, { status: 'Waiting', waitingReason: reason, waitingFor: decision.waitingFor, opensAt });
    await record({
      type: 'action-waiting',
      stage: current.stage,
      action: current.name,
      description: `${current.name} (${current.region}) ${decision.waitingFor === 'halt' ? 'is halted' : 'waits for its window'}: ${decision.reason}`,
      data: { status: 'Waiting', region: current.region, waitingFor: decision.waitingFor, opensAt, closesAt: decision.closesAt?.toISOString() ?? null },
    });
  }

  /** Starts the waiting actions whose window opened (or was overridden), stops them when the execution stops; true when it changed a status. */
  async wake(tx: Db, snapshot: ExecutionSnapshot, record: Record, queue: QueueAttempt): Promise<boolean> {
    const waiting = snapshot.actions.filter((a) => a.status === 'Waiting' && a.waitingFor !== null && !this.letGo(snapshot, a));
    let changed = false;
    for (const action of waiting) {
      const key = { executionId: action.executionId, stageIndex: action.stageIndex, actionIndex: action.actionIndex };
      if (snapshot.execution.status === 'Stopping') {
        await this.stopWaiting(tx, key, action, record);
        changed = true;
        continue;
      }
      const decision = await this.judge(tx, snapshot, action.stageIndex, action.actionIndex);
      if (decision.kind === 'wait') {
        await this.hold(tx, snapshot, key, decision, record);
        continue;
      }
      const at = this.deps.clock.now().toISOString();
      await queue(tx, key, action.region, action.attempts + 1, at);
      await this.deps.store.updateAction(tx, key, { waitingFor: null, opensAt: null });
      await record({
        type: 'action-started',
        stage: action.stage,
        action: action.name,
        description: `${action.name} (${action.region}) started: ${action.waitingFor === 'halt' && decision.override === undefined ? `the halt was lifted${decision.closesAt === null ? '' : `; its window is open until ${decision.closesAt.toISOString()}`}` : describeStart(decision)}`,
        data: {
          status: 'InProgress',
          region: action.region,
          runOrder: action.runOrder,
          closesAt: decision.closesAt?.toISOString() ?? null,
          ...(decision.override ? { override: { by: decision.override.by, reason: decision.override.reason } } : {}),
        },
      });
      changed = true;
    }
    return changed;
  }

  /** A held action of a stage that failed, which nextStep lets go instead (domain/region-lanes.ts heldAfterFailure). */
  private letGo(snapshot: ExecutionSnapshot, action: ActionRecord): boolean {
    const stage = snapshot.execution.definition.stages[action.stageIndex];
    const inStage = snapshot.actions.filter((a) => a.stageIndex === action.stageIndex);
    const policy = stage !== undefined && stageOrder(snapshot, action.stageIndex).order === 'region' ? (stage.onLaneFailure ?? 'stop') : 'stop';
    const lanes = inStage.map((a) => ({
      actionIndex: a.actionIndex,
      runOrder: a.runOrder,
      lane: stage?.actions[a.actionIndex] ? laneOf(stage.actions[a.actionIndex] as Action) : a.region,
      status: a.status,
      waitingFor: a.waitingFor,
    }));
    return heldAfterFailure(lanes, policy).some((a) => a.actionIndex === action.actionIndex);
  }

  private async stopWaiting(tx: Db, key: Key, action: ActionRecord, record: Record): Promise<void> {
    await this.deps.store.updateAction(tx, key, {
      status: 'Stopped',
      endedAt: this.deps.clock.now().toISOString(),
      waitingReason: null,
      waitingFor: null,
      opensAt: null,
    });
    await record({
      type: 'action-finished',
      stage: action.stage,
      action: action.name,
      description: `${action.name} (${action.region}) stopped while waiting for its window`,
      data: { status: 'Stopped', region: action.region },
    });
  }
}

/** How an action that was judged allowed to start says so in its started event. */
export function describeStart(decision: WindowJudgement & { kind: 'start' }): string {
  if (decision.override) return `window overridden by ${decision.override.by}: ${decision.override.reason}`;
  return decision.closesAt === null ? 'its window is open' : `its window is open until ${decision.closesAt.toISOString()}`;
}

/** How a stage of the execution orders its runOrders (domain/region-lanes.ts), and why. */
export function stageOrder(snapshot: ExecutionSnapshot, stageIndex: number): StageLanes {
  const pipeline = snapshot.execution.definition;
  const stage = pipeline.stages[stageIndex];
  if (stage === undefined) return { order: 'stage', why: 'no such stage' };
  return stageLanes(pipeline, stage, windowsHold(pipeline, isDisruptive(snapshot)));
}

/** Started with --disruptive or `"disruptive": true`, or its head commit asks with a `Deploy-Window: required` trailer. */
export function isDisruptive(snapshot: ExecutionSnapshot): boolean {
  if (snapshot.execution.context.disruptive === true) return true;
  const sources = snapshot.execution.definition.stages
    .flatMap((stage, s) => stage.actions.map((action, a) => ({ action, s, a })))
    .filter((x) => x.action.type.category === 'Source');
  return sources.some(({ s, a }) => {
    const record = snapshot.actions.find((r) => r.stageIndex === s && r.actionIndex === a);
    return asksForWindow(record?.outputVariables.CommitMessage ?? '');
  });
}

/** The declared expected duration, else the median of the action's last successful runs, else 0. */
async function expectedMs(tx: Db, pipelineName: string, stage: string, action: Action): Promise<number> {
  if (action.expectedDurationMs !== undefined) return action.expectedDurationMs;
  return (await medianDuration(tx, { pipeline: pipelineName, stage, action: action.name })) ?? 0;
}
