/**
 * V2 stage conditions at run time (docs/aws-behaviour.md §1.12). Before a stage is entered its
 * BeforeEntry conditions are evaluated: a condition that is not met engages its result
 * (FAIL: the stage fails; SKIP: the stage and its actions are Skipped; WAIT, Meridian's: the
 * stage waits until its DeploymentWindow rules pass). When a stage would succeed, a met
 * OnSuccess condition engages FAIL; when it failed, a met OnFailure condition, or
 * OnFailure's own Result, engages RETRY (once, FAILED_ACTIONS or ALL_ACTIONS) or ROLLBACK:
 * the stage fails and, in the same transaction, a rollback (rollback.ts) of every region in
 * which an action of the stage ran starts; it re-runs the stage as the last good
 * execution ran it there. (OnSuccess ROLLBACK rolls back a stage whose actions succeeded.)
 *
 * Every evaluation is an event with each rule and its outcome. VariableCheck and
 * DeploymentWindow rules are judged inside the engine's transaction; Commands rules run shell
 * commands, so `prepare` runs them before the transaction and keeps the outcome until used.
 */
import type { RuleCommandRunner } from '../domain/condition-rules.js';
import { conditionMet, describeCondition, evaluateDeploymentWindow, evaluateVariableCheck, type RuleOutcome } from '../domain/condition-rules.js';
import type { StageError } from '../domain/execution.js';
import { nextStep } from '../domain/next-step.js';
import { actionsFailed, conditionFailed, oneLine, withRollback } from '../domain/stage-errors.js';
import { stepInput } from './step-input.js';
import type { ConditionRule, Stage, StageCondition } from '../domain/pipeline.js';
import type { Clock } from '../lib/clock.js';
import type { ExecutionSnapshot } from '../domain/records.js';
import type { Db, NewEvent, StateStore } from '../stores/state/state-store.js';
import { variableScope } from './variable-scope.js';
import type { RollbackAsker } from './rollout-waves.js';
import type { WindowWaits } from './window-waits.js';

type Phase = 'BeforeEntry' | 'OnSuccess' | 'OnFailure';
type Record = (event: NewEvent, about?: string) => Promise<void>;
export type EntryDecision = 'enter' | 'wait' | 'decided';
export type ExitDecision = 'finish' | 'wait' | 'decided';

export class StageConditions {
  /** `execution/stage/phase/condition/rule` -> a Commands rule's outcome, until it is used. */
  private readonly commandOutcomes = new Map<string, RuleOutcome>();
  /** Execution/stage -> the last reason a WAIT condition held it, so each reason is one event. */
  private readonly waitReasons = new Map<string, string>();

  constructor(
    private readonly deps: { store: StateStore; clock: Clock; windows: WindowWaits; requestRollback: RollbackAsker; ruleCommands?: RuleCommandRunner },
  ) {}

  /** Runs the Commands rules the next step of an execution needs, outside any transaction. */
  async prepare(executionId: string): Promise<void> {
    const snapshot = await this.deps.store.snapshot(this.deps.store.db, executionId);
    const next = nextStep(stepInput(snapshot));
    const stage = next.kind === 'start-stage' || next.kind === 'finish-stage' ? snapshot.execution.definition.stages[next.stageIndex] : undefined;
    if (!stage?.conditions || (next.kind !== 'start-stage' && next.kind !== 'finish-stage')) return;
    const phase: Phase = next.kind === 'start-stage' ? 'BeforeEntry' : next.status === 'Succeeded' ? 'OnSuccess' : 'OnFailure';
    for (const [c, condition] of conditionsOf(stage, phase).entries()) {
      for (const [r, rule] of condition.rules.entries()) {
        if (rule.kind !== 'Commands') continue;
        const key = ruleKey(executionId, next.stageIndex, phase, c, r);
        if (this.commandOutcomes.has(key)) continue;
        this.commandOutcomes.set(key, await this.runCommands(rule, executionId));
      }
    }
  }

  /** BeforeEntry: may the stage be entered? `decided`: the stage was skipped or failed. */
  async beforeEntry(tx: Db, snapshot: ExecutionSnapshot, stageIndex: number, record: Record): Promise<EntryDecision> {
    const stage = snapshot.execution.definition.stages[stageIndex];
    const conditions = stage ? conditionsOf(stage, 'BeforeEntry') : [];
    if (!stage || conditions.length === 0) return 'enter';
    const evaluated = this.evaluate(snapshot, stageIndex, 'BeforeEntry', conditions);
    if (evaluated === undefined) return 'wait';
    const waitKey = `${snapshot.execution.id}/${stageIndex}`;
    const unmet = evaluated.find((e) => !conditionMet(e.outcomes));
    if (unmet?.condition.result === 'WAIT') {
      const reason = describeCondition('BeforeEntry', unmet.index, unmet.condition, unmet.outcomes);
      const opensAt = latest(unmet.outcomes.map((o) => o.opensAt ?? null));
      this.deps.windows.noteWake(snapshot.execution.id, opensAt);
      if (this.waitReasons.get(waitKey) !== reason) {
        this.waitReasons.set(waitKey, reason);
        await record({
          type: 'stage-waiting',
          stage: stage.name,
          description: `Waiting to enter stage ${stage.name}: ${reason}`,
          data: { phase: 'BeforeEntry', condition: unmet.index + 1, result: 'WAIT', opensAt: opensAt?.toISOString() ?? null, rules: ruleData(unmet.outcomes) },
        });
      }
      return 'wait';
    }
    this.waitReasons.delete(waitKey);
    await this.recordEvaluations(stage, 'BeforeEntry', evaluated, record);
    this.forget(snapshot.execution.id, stageIndex, 'BeforeEntry');
    if (unmet === undefined) return 'enter';
    const at = this.deps.clock.now().toISOString();
    const why = `BeforeEntry condition ${unmet.index + 1} (${unmet.condition.result}) not met`;
    if (unmet.condition.result === 'SKIP') {
      for (const action of snapshot.actions.filter((a) => a.stageIndex === stageIndex)) {
        await this.deps.store.updateAction(tx, { executionId: action.executionId, stageIndex, actionIndex: action.actionIndex }, { status: 'Skipped' });
      }
      await this.deps.store.setStageStatus(tx, snapshot.execution.id, stageIndex, 'Skipped', at);
      await record({
        type: 'stage-finished',
        stage: stage.name,
        description: `Stage ${stage.name} skipped: ${why}`,
        data: { status: 'Skipped', phase: 'BeforeEntry', result: 'SKIP' },
      });
      return 'decided';
    }
    const error = conditionFailed(describeCondition('BeforeEntry', unmet.index, unmet.condition, unmet.outcomes));
    await this.deps.store.setStageStatus(tx, snapshot.execution.id, stageIndex, 'Failed', at, error);
    await record({
      type: 'stage-finished',
      stage: stage.name,
      description: `Stage ${stage.name} failed: ${why}`,
      data: { status: 'Failed', phase: 'BeforeEntry', result: unmet.condition.result },
    });
    return 'decided';
  }

  /** OnSuccess / OnFailure when a stage is about to finish. `decided`: the stage's status or actions were changed. */
  async afterStage(tx: Db, snapshot: ExecutionSnapshot, stageIndex: number, status: 'Succeeded' | 'Failed' | 'Stopped', record: Record): Promise<ExitDecision> {
    const stage = snapshot.execution.definition.stages[stageIndex];
    if (!stage?.conditions || status === 'Stopped') return 'finish';
    const phase: Phase = status === 'Succeeded' ? 'OnSuccess' : 'OnFailure';
    const conditions = conditionsOf(stage, phase);
    const evaluated = this.evaluate(snapshot, stageIndex, phase, conditions);
    if (evaluated === undefined) return 'wait';
    await this.recordEvaluations(stage, phase, evaluated, record);
    this.forget(snapshot.execution.id, stageIndex, phase);
    const met = evaluated.find((e) => conditionMet(e.outcomes));
    const result = met?.condition.result ?? (phase === 'OnFailure' && conditions.length === 0 ? stage.conditions.onFailureResult : undefined);
    if (result === undefined) return 'finish';
    const why = met ? `${phase} condition ${met.index + 1} (${result}) met` : `${phase} result ${result}`;
    const at = this.deps.clock.now().toISOString();
    // OnFailure: the stage failed by its actions, which the reason names first; OnSuccess: by the condition.
    const condition = met ? describeCondition(phase, met.index, met.condition, met.outcomes) : why;
    const failedBy = actionsFailed(snapshot.actions.filter((a) => a.stageIndex === stageIndex));
    const error: StageError =
      phase === 'OnFailure' && failedBy !== null ? { ...failedBy, message: `${failedBy.message}; ${oneLine(condition)}` } : conditionFailed(condition);
    if (result === 'RETRY') {
      const inStage = snapshot.actions.filter((a) => a.stageIndex === stageIndex);
      if (inStage.some((a) => a.attempts > 1)) return 'finish'; // CodePipeline retries automatically once
      const all = stage.conditions.retryMode === 'ALL_ACTIONS';
      for (const action of inStage.filter((a) => all || a.status !== 'Succeeded')) {
        await this.deps.store.updateAction(
          tx,
          { executionId: action.executionId, stageIndex, actionIndex: action.actionIndex },
          { status: 'Pending', endedAt: null, error: null, waitingReason: null },
        );
      }
      await record({
        type: 'stage-retried',
        stage: stage.name,
        description: `Stage ${stage.name} retried automatically (${all ? 'ALL_ACTIONS' : 'FAILED_ACTIONS'}): ${why}`,
        data: { status: 'InProgress', phase, result, automatic: true },
      });
      return 'decided';
    }
    if (result === 'ROLLBACK') {
      const regions = [
        ...new Set(snapshot.actions.filter((a) => a.stageIndex === stageIndex && a.status !== 'Pending' && a.status !== 'Skipped').map((a) => a.region)),
      ];
      await record({
        type: 'stage-finished',
        stage: stage.name,
        description: `Stage ${stage.name} failed: ${why}; rolling back ${regions.join(', ')}`,
        data: { status: 'Failed', phase, result, rollback: regions },
      });
      const rolledBack = await this.deps.requestRollback(
        tx,
        { executionId: snapshot.execution.id, stageIndex, stage: stage.name, regions, reason: why },
        record,
      );
      await this.deps.store.setStageStatus(tx, snapshot.execution.id, stageIndex, 'Failed', at, withRollback(error, rolledBack));
      return 'decided';
    }
    if (status === 'Failed') return 'finish';
    await this.deps.store.setStageStatus(tx, snapshot.execution.id, stageIndex, 'Failed', at, error);
    await record({ type: 'stage-finished', stage: stage.name, description: `Stage ${stage.name} failed: ${why}`, data: { status: 'Failed', phase, result } });
    return 'decided';
  }

  /** Each condition with its rules' outcomes; undefined while a Commands rule has not run yet. */
  private evaluate(
    snapshot: ExecutionSnapshot,
    stageIndex: number,
    phase: Phase,
    conditions: StageCondition[],
  ): Array<{ index: number; condition: StageCondition; outcomes: RuleOutcome[] }> | undefined {
    const now = this.deps.clock.now();
    const scope = variableScope(snapshot);
    const out = [];
    for (const [index, condition] of conditions.entries()) {
      const outcomes: RuleOutcome[] = [];
      for (const [r, rule] of condition.rules.entries()) {
        if (rule.kind === 'DeploymentWindow') outcomes.push(evaluateDeploymentWindow(rule, now));
        else if (rule.kind === 'VariableCheck') outcomes.push(evaluateVariableCheck(rule, scope));
        else {
          const outcome = this.commandOutcomes.get(ruleKey(snapshot.execution.id, stageIndex, phase, index, r));
          if (outcome === undefined) return undefined;
          outcomes.push(outcome);
        }
      }
      out.push({ index, condition, outcomes });
    }
    return out;
  }

  private async recordEvaluations(
    stage: Stage,
    phase: Phase,
    evaluated: Array<{ index: number; condition: StageCondition; outcomes: RuleOutcome[] }>,
    record: Record,
  ): Promise<void> {
    for (const { index, condition, outcomes } of evaluated) {
      await record({
        type: 'condition-evaluated',
        stage: stage.name,
        description: `Stage ${stage.name}: ${describeCondition(phase, index, condition, outcomes)}`,
        data: { phase, condition: index + 1, result: condition.result, met: conditionMet(outcomes), rules: ruleData(outcomes) },
      });
    }
  }

  private forget(executionId: string, stageIndex: number, phase: Phase): void {
    const prefix = `${executionId}/${stageIndex}/${phase}/`;
    for (const key of [...this.commandOutcomes.keys()]) if (key.startsWith(prefix)) this.commandOutcomes.delete(key);
  }

  private async runCommands(rule: ConditionRule & { kind: 'Commands' }, executionId: string): Promise<RuleOutcome> {
    const base = { name: rule.name, kind: rule.kind };
    if (this.deps.ruleCommands === undefined) return { ...base, passed: false, detail: 'no command runner in this process' };
    try {
      const result = await this.deps.ruleCommands(rule.commands, { executionId, region: rule.region });
      const tail = result.output === '' ? '' : `: ${result.output.split('\n').slice(-3).join(' | ')}`;
      return { ...base, passed: result.exitCode === 0, detail: `exited ${result.exitCode}${tail}` };
    } catch (thrown) {
      return { ...base, passed: false, detail: `could not run: ${(thrown as Error).message}` };
    }
  }
}

function conditionsOf(stage: Stage, phase: Phase): StageCondition[] {
  const c = stage.conditions;
  if (!c) return [];
  return phase === 'BeforeEntry' ? c.beforeEntry : phase === 'OnSuccess' ? c.onSuccess : c.onFailure;
}

function ruleKey(executionId: string, stageIndex: number, phase: Phase, condition: number, rule: number): string {
  return `${executionId}/${stageIndex}/${phase}/${condition}/${rule}`;
}

function ruleData(outcomes: readonly RuleOutcome[]): Array<{ name: string; kind: string; status: 'Succeeded' | 'Failed'; detail: string }> {
  return outcomes.map((o) => ({ name: o.name, kind: o.kind, status: o.passed ? 'Succeeded' : 'Failed', detail: o.detail }));
}

/** The instant all the closed window rules are open again at the earliest: the latest of their openings. */
function latest(times: Array<Date | null>): Date | null {
  const known = times.filter((t): t is Date => t !== null);
  return known.length === 0 ? null : new Date(Math.max(...known.map((t) => t.getTime())));
}
