/**
 * Waves of a rollout in the engine: for a rollout stage (domain/rollout-step.ts) the
 * rollout, not the stage-wide runOrder, decides what starts: each region's own actions in
 * runOrder, wave after wave, with the bake time between.
 *
 * During a bake the wave's health checks run (`prepare`, outside any transaction) when it
 * starts, every few minutes of the engine's clock, and once more at its end; the bake is
 * over when the last round at or after its end passed. A failed round fails the stage and,
 * in the same transaction, starts a rollback (rollback.ts) of the failing regions and, by
 * `rollback:`, of their wave (`wave`) or of every wave so far (`all-previous`). A round is
 * recorded in the transaction that acts on it (the next wave starts, or the stage fails), so
 * a restart loses only a round nothing acted on yet, and runs it again.
 */
import { laneStep, isRolloutStage, type LaneStep } from '../domain/rollout-step.js';
import type { RolledBack } from '../domain/execution.js';
import type { Step } from '../domain/next-step.js';
import { healthChecksFailed, withRollback } from '../domain/stage-errors.js';
import { formatSpan } from '../domain/window-gate.js';
import type { Clock } from '../lib/clock.js';
import type { ExecutionSnapshot } from '../domain/records.js';
import type { Db, NewEvent, StateStore } from '../stores/state/state-store.js';
import { runCheck, type CheckOutcome } from './health-checks.js';
import type { RuleCommandRunner } from '../domain/condition-rules.js';
import type { WindowWaits } from './window-waits.js';

export type LaneDecision =
  | { kind: 'step'; step: Step }
  | { kind: 'bake'; stageIndex: number; wave: number; regions: string[]; since: Date; until: Date }
  | { kind: 'failed'; stageIndex: number; wave: number; regions: string[]; failures: CheckOutcome[] };

/** One round of a wave's checks. */
interface Round {
  at: number;
  outcomes: CheckOutcome[];
  recorded: boolean;
}

/** Starts, inside the transaction that failed the stage, a rollback of these regions (the engine advances it after the commit). */
export type RollbackAsker = (
  tx: Db,
  request: { executionId: string; stageIndex: number; stage: string; regions: string[]; reason: string },
  record: (event: NewEvent, about?: string) => Promise<void>,
) => Promise<RolledBack[]>;

const MAX_CHECK_INTERVAL_MS = 5 * 60_000;

export class RolloutWaves {
  /** `execution/stage/wave` already announced as baking. */
  private readonly announced = new Set<string>();
  /** `execution/stage/wave` -> its checks' last round, and the instant up to which they passed. */
  private readonly rounds = new Map<string, Round>();
  private readonly passedUntil = new Map<string, number>();

  constructor(
    private readonly deps: { store: StateStore; clock: Clock; windows: WindowWaits; requestRollback: RollbackAsker; ruleCommands?: RuleCommandRunner },
  ) {}

  /** Runs the health checks a baking wave is due for, outside any transaction. */
  async prepare(executionId: string): Promise<void> {
    const snapshot = await this.deps.store.snapshot(this.deps.store.db, executionId);
    const rollout = snapshot.execution.definition.rollout;
    if (rollout === undefined || rollout.checks.length === 0) return;
    const lanes = this.lanes(snapshot);
    if (lanes === undefined || lanes.step.kind !== 'bake') return;
    const bake = lanes.step;
    const key = `${executionId}/${lanes.stageIndex}/${bake.wave}`;
    const now = this.deps.clock.now().getTime();
    const last = this.rounds.get(key);
    const every = Math.min(MAX_CHECK_INTERVAL_MS, Math.max(1, Math.floor(rollout.bakeMs / 3)));
    const due = last === undefined || now - last.at >= every || (now >= bake.until.getTime() && last.at < bake.until.getTime());
    if (!due || (last !== undefined && !last.recorded)) return;
    const outcomes: CheckOutcome[] = [];
    for (const region of bake.regions) {
      for (const check of rollout.regionChecks?.[region] ?? rollout.checks) outcomes.push(await runCheck(check, region, executionId, this.deps.ruleCommands));
    }
    this.rounds.set(key, { at: now, outcomes, recorded: false });
    if (outcomes.every((o) => o.passed)) this.passedUntil.set(key, now);
  }

  /** nextStep's step, or the rollout's for a rollout stage in progress. */
  decide(snapshot: ExecutionSnapshot, next: Step): LaneDecision {
    const relevant = next.kind === 'start-actions' || next.kind === 'wait' || (next.kind === 'finish-stage' && next.status === 'Succeeded');
    const lanes = relevant && snapshot.execution.status === 'InProgress' ? this.lanes(snapshot) : undefined;
    if (lanes === undefined) return { kind: 'step', step: next };
    const { step, stageIndex, actions } = lanes;
    switch (step.kind) {
      case 'defer':
        return { kind: 'step', step: next };
      case 'wait':
        return { kind: 'step', step: { kind: 'wait' } };
      case 'start': {
        const runOrder = Math.min(...actions.filter((a) => step.actionIndexes.includes(a.actionIndex)).map((a) => a.runOrder));
        return { kind: 'step', step: { kind: 'start-actions', stageIndex, actionIndexes: step.actionIndexes, runOrder } };
      }
      case 'bake': {
        const round = this.rounds.get(`${snapshot.execution.id}/${stageIndex}/${step.wave}`);
        const failures = round?.outcomes.filter((o) => !o.passed) ?? [];
        if (failures.length > 0) return { kind: 'failed', stageIndex, wave: step.wave, regions: step.regions, failures };
        this.deps.windows.noteWake(snapshot.execution.id, step.until);
        return { kind: 'bake', stageIndex, wave: step.wave, regions: step.regions, since: step.since, until: step.until };
      }
    }
  }

  /** Records the rounds of checks that ran since the last transaction (the last one may have ended a bake). */
  async flush(snapshot: ExecutionSnapshot, record: (event: NewEvent) => Promise<void>): Promise<void> {
    const prefix = `${snapshot.execution.id}/`;
    for (const key of [...this.rounds.keys()].filter((k) => k.startsWith(prefix))) {
      const [, stageIndex, wave] = key.split('/');
      await this.recordRound(key, snapshot.stages[Number(stageIndex)]?.name, Number(wave), record);
    }
  }

  /** Records, once per wave, that it deployed and bakes. */
  async announce(snapshot: ExecutionSnapshot, bake: LaneDecision & { kind: 'bake' }, record: (event: NewEvent) => Promise<void>): Promise<void> {
    const key = `${snapshot.execution.id}/${bake.stageIndex}/${bake.wave}`;
    const stage = snapshot.stages[bake.stageIndex]?.name;
    if (!this.announced.has(key)) {
      this.announced.add(key);
      await record({
        type: 'wave-baking',
        ...(stage === undefined ? {} : { stage }),
        description: `Wave ${bake.wave + 1} (${bake.regions.join(', ')}) deployed; baking ${formatSpan(bake.until.getTime() - bake.since.getTime())} until ${bake.until.toISOString()}`,
        data: { wave: bake.wave + 1, regions: bake.regions, since: bake.since.toISOString(), until: bake.until.toISOString() },
      });
    }
  }

  /** A failed round: the stage fails, and the rollback the policy asks for starts in the same transaction. */
  async fail(
    tx: Db,
    snapshot: ExecutionSnapshot,
    failed: LaneDecision & { kind: 'failed' },
    record: (event: NewEvent, about?: string) => Promise<void>,
  ): Promise<void> {
    const { execution } = snapshot;
    const rollout = execution.definition.rollout;
    const key = `${execution.id}/${failed.stageIndex}/${failed.wave}`;
    const stage = snapshot.stages[failed.stageIndex]?.name;
    const failing = [...new Set(failed.failures.map((f) => f.region))];
    const waves = rollout?.waves ?? [];
    const policy = rollout?.rollback ?? 'region';
    const regions = policy === 'region' ? failing : policy === 'wave' ? (waves[failed.wave] ?? failing) : waves.slice(0, failed.wave + 1).flat();
    const error = healthChecksFailed(failed.wave + 1, failed.failures);
    const reason = error.message;
    await record({
      type: 'stage-finished',
      ...(stage === undefined ? {} : { stage }),
      description: `Stage ${stage ?? failed.stageIndex} failed: ${reason}; rolling back ${regions.join(', ')} (rollback: ${policy})`,
      data: { status: 'Failed', wave: failed.wave + 1, rollback: regions, policy },
    });
    this.rounds.delete(key);
    const rolledBack = await this.deps.requestRollback(
      tx,
      { executionId: execution.id, stageIndex: failed.stageIndex, stage: stage ?? String(failed.stageIndex), regions, reason },
      record,
    );
    const at = this.deps.clock.now().toISOString();
    await this.deps.store.setStageStatus(tx, execution.id, failed.stageIndex, 'Failed', at, withRollback(error, rolledBack));
  }

  private async recordRound(key: string, stage: string | undefined, wave: number, record: (event: NewEvent) => Promise<void>): Promise<void> {
    const round = this.rounds.get(key);
    if (round === undefined || round.recorded) return;
    round.recorded = true;
    const passed = round.outcomes.every((o) => o.passed);
    await record({
      type: 'health-check',
      ...(stage === undefined ? {} : { stage }),
      description: `Wave ${wave + 1} health checks ${passed ? 'passed' : 'failed'}: ${round.outcomes.map((o) => `${o.check} (${o.region}) ${o.passed ? 'ok' : 'failed'}: ${o.detail}`).join('; ')}`,
      data: {
        wave: wave + 1,
        passed,
        at: new Date(round.at).toISOString(),
        checks: round.outcomes.map((o) => ({ region: o.region, check: o.check, passed: o.passed, detail: o.detail })),
      },
    });
  }

  private lanes(snapshot: ExecutionSnapshot): { step: LaneStep; stageIndex: number; actions: Array<{ actionIndex: number; runOrder: number }> } | undefined {
    const { execution } = snapshot;
    const rollout = execution.definition.rollout;
    if (rollout === undefined) return undefined;
    const current = snapshot.stages.find((s) => s.status !== 'Succeeded' && s.status !== 'Skipped');
    const stage = current === undefined ? undefined : execution.definition.stages[current.index];
    if (!current || current.status !== 'InProgress' || !stage || !isRolloutStage(rollout, stage)) return undefined;
    const actions = snapshot.actions
      .filter((a) => a.stageIndex === current.index)
      .map((a) => ({ actionIndex: a.actionIndex, region: a.region, runOrder: a.runOrder, status: a.status, endedAt: a.endedAt }));
    const step = laneStep(rollout, actions, this.deps.clock.now(), (wave) => this.passedUntil.get(`${execution.id}/${current.index}/${wave}`));
    return { step, stageIndex: current.index, actions };
  }
}
