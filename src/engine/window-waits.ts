/**
 * Actions waiting for their region's deployment window. The engine asks `judge` when an
 * action is about to start (never earlier: a window is judged at that instant), `hold`
 * parks it as `Waiting` with when the window opens (in the store, so a restart resumes the
 * wait), and `wake` re-judges parked actions on every advance and starts the ones whose
 * window opened, or that an operator overrode. Each change of reason is one event.
 *
 * Which actions, when: see domain/region-windows.ts (gated categories, policy,
 * disruptive executions) and domain/window-gate.ts (the decision and the fit check).
 */
import type { Action } from '../domain/pipeline.js';
import { asksForWindow, isGatedByWindows, windowsApply, windowsOfRegion } from '../domain/region-windows.js';
import { judgeWindow, type WindowDecision } from '../domain/window-gate.js';
import type { Clock } from '../lib/clock.js';
import type { ActionRecord, ExecutionSnapshot } from '../stores/state/records.js';
import type { Db, NewEvent, StateStore } from '../stores/state/state-store.js';
import { medianDuration, windowOverrides, type WindowOverride } from '../stores/state/window-records.js';

export type WindowJudgement = (WindowDecision & { kind: 'wait' }) | { kind: 'start'; closesAt: Date | null; override?: WindowOverride };

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
    const region = windowsOfRegion(pipeline, action.region);
    if (region.windows.length === 0 || !windowsApply(pipeline.windowPolicy, isDisruptive(snapshot))) return { kind: 'start', closesAt: null };
    const override = (await windowOverrides(tx, execution.id)).find((o) => o.region === action.region);
    if (override) return { kind: 'start', closesAt: null, override };
    const needMs = (await expectedMs(tx, execution.pipeline, stage.name, action)) + (pipeline.rollout?.bakeMs ?? 0);
    const decision = judgeWindow(region.windows, region.zone, this.deps.clock.now(), needMs);
    return decision.kind === 'start' ? { kind: 'start', closesAt: decision.closesAt } : decision;
  }

  /** Parks an action until its window opens; records an event when the reason changed. */
  async hold(tx: Db, snapshot: ExecutionSnapshot, key: Key, decision: WindowDecision & { kind: 'wait' }, record: Record): Promise<void> {
    const current = snapshot.actions.find((a) => a.stageIndex === key.stageIndex && a.actionIndex === key.actionIndex);
    const opensAt = decision.opensAt?.toISOString() ?? null;
    const reason = `window: ${decision.reason}`;
    this.noteWake(key.executionId, decision.opensAt);
    if (!current || (current.status === 'Waiting' && current.waitingReason === reason && current.opensAt === opensAt)) return;
    await this.deps.store.updateAction(tx, key, { status: 'Waiting', waitingReason: reason, waitingFor: 'window', opensAt });
    await record({
      type: 'action-waiting',
      stage: current.stage,
      action: current.name,
      description: `${current.name} (${current.region}) waits for its window: ${decision.reason}`,
      data: { status: 'Waiting', region: current.region, waitingFor: 'window', opensAt, closesAt: decision.closesAt?.toISOString() ?? null },
    });
  }

  /** Starts the waiting actions whose window opened (or was overridden), stops them when the execution stops; true when it changed a status. */
  async wake(tx: Db, snapshot: ExecutionSnapshot, record: Record, queue: QueueAttempt): Promise<boolean> {
    const waiting = snapshot.actions.filter((a) => a.status === 'Waiting' && a.waitingFor === 'window');
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
        description: `${action.name} (${action.region}) started: ${describeStart(decision)}`,
        data: { status: 'InProgress', region: action.region, runOrder: action.runOrder, closesAt: decision.closesAt?.toISOString() ?? null, ...(decision.override ? { override: { by: decision.override.by, reason: decision.override.reason } } : {}) },
      });
      changed = true;
    }
    return changed;
  }

  private async stopWaiting(tx: Db, key: Key, action: ActionRecord, record: Record): Promise<void> {
    await this.deps.store.updateAction(tx, key, { status: 'Stopped', endedAt: this.deps.clock.now().toISOString(), waitingReason: null, waitingFor: null, opensAt: null });
    await record({ type: 'action-finished', stage: action.stage, action: action.name, description: `${action.name} (${action.region}) stopped while waiting for its window`, data: { status: 'Stopped', region: action.region } });
  }
}

/** How an action that was judged allowed to start says so in its started event. */
export function describeStart(decision: WindowJudgement & { kind: 'start' }): string {
  if (decision.override) return `window overridden by ${decision.override.by}: ${decision.override.reason}`;
  return decision.closesAt === null ? 'its window is open' : `its window is open until ${decision.closesAt.toISOString()}`;
}

/** Started with --disruptive or `"disruptive": true`, or its head commit asks with a `Deploy-Window: required` trailer. */
export function isDisruptive(snapshot: ExecutionSnapshot): boolean {
  if (snapshot.execution.context.disruptive === true) return true;
  const sources = snapshot.execution.definition.stages.flatMap((stage, s) => stage.actions.map((action, a) => ({ action, s, a }))).filter((x) => x.action.type.category === 'Source');
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
