/**
 * Evaluating the rules of a stage condition (docs/aws-behaviour.md §1.12) that need no I/O:
 * VariableCheck (EQ, NE, CONTAINS, MATCHES on a resolved `#{Namespace.Variable}`) and
 * DeploymentWindow (the instant is inside the cron window, in the rule's TimeZone). Commands
 * rules run shell commands; the engine gets their outcome from a runner.
 */
import type { ConditionRule, StageCondition } from './pipeline.js';
import { cronWindow } from './region-windows.js';
import { resolveString, type VariableScope } from './variables.js';
import { windowStateAt } from './windows/index.js';

export interface RuleOutcome {
  name: string;
  kind: ConditionRule['kind'];
  passed: boolean;
  detail: string;
  /** DeploymentWindow: when the window next opens (while closed). */
  opensAt?: Date | null;
}

export function evaluateVariableCheck(rule: ConditionRule & { kind: 'VariableCheck' }, scope: VariableScope): RuleOutcome {
  const missing: string[] = [];
  const actual = resolveString(rule.variable, scope, missing);
  const base = { name: rule.name, kind: rule.kind };
  if (missing.length > 0) return { ...base, passed: false, detail: `${rule.variable} cannot be resolved (${missing.join(', ')} not set)` };
  let passed: boolean;
  switch (rule.operator) {
    case 'EQ':
      passed = actual === rule.value;
      break;
    case 'NE':
      passed = actual !== rule.value;
      break;
    case 'CONTAINS':
      passed = actual.includes(rule.value);
      break;
    case 'MATCHES':
      passed = new RegExp(rule.value).test(actual);
      break;
  }
  return { ...base, passed, detail: `\`${actual}\` ${rule.operator} \`${rule.value}\` is ${passed ? 'true' : 'false'}` };
}

export function evaluateDeploymentWindow(rule: ConditionRule & { kind: 'DeploymentWindow' }, now: Date): RuleOutcome {
  const { windows, zone } = cronWindow(rule.cron, rule.timezone);
  const state = windowStateAt(windows, zone, now);
  const base = { name: rule.name, kind: rule.kind };
  if (state.open)
    return { ...base, passed: true, detail: `inside ${rule.cron} (${rule.timezone})${state.closesAt ? ` until ${state.closesAt.toISOString()}` : ''}` };
  return {
    ...base,
    passed: false,
    opensAt: state.opensAt,
    detail: `outside ${rule.cron} (${rule.timezone}); ${state.opensAt ? `opens at ${state.opensAt.toISOString()}` : 'does not open within a year'}`,
  };
}

/** A condition is met when every rule passed. */
export function conditionMet(outcomes: readonly RuleOutcome[]): boolean {
  return outcomes.every((o) => o.passed);
}

export function describeCondition(phase: string, index: number, condition: StageCondition, outcomes: readonly RuleOutcome[]): string {
  const rules = outcomes.map((o) => `rule ${o.name} (${o.kind}) ${o.passed ? 'succeeded' : 'failed'}: ${o.detail}`).join('; ');
  return `${phase} condition ${index + 1} (${condition.result}) ${conditionMet(outcomes) ? 'met' : 'not met'}: ${rules}`;
}

export interface RuleCommandResult {
  exitCode: number;
  output: string;
}

/** Runs a Commands rule's shell commands (the agent layer provides one; the engine calls it before a stage enters or ends). */
export type RuleCommandRunner = (
  commands: readonly string[],
  context: { executionId: string; region: string; timeoutMs?: number },
) => Promise<RuleCommandResult>;
