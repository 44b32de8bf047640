/**
 * V2 stage conditions (`BeforeEntry`, `OnSuccess`, `OnFailure`) -> the model's
 * StageConditions. Rules: DeploymentWindow (Cron checked by the window parser at the
 * character, TimeZone default UTC), VariableCheck (EQ, NE, CONTAINS, MATCHES), Commands.
 * CloudWatchAlarm and LambdaInvoke have no local substitute and are refused.
 *
 * Results (docs/aws-behaviour.md §1.12): BeforeEntry FAIL or SKIP, and Meridian's WAIT (the stage waits
 * until every DeploymentWindow rule of the condition passes, instead of failing);
 * OnSuccess ROLLBACK or FAIL; OnFailure ROLLBACK or RETRY. SKIP needs a VariableCheck rule.
 * ROLLBACK rolls the stage back to its last good run (engine/rollback.ts); as in CodePipeline
 * it is refused in PARALLEL mode, where executions have no order to go back along.
 */
import type { ConditionResult, ConditionRule, ExecutionMode, StageCondition, StageConditions, VariableOperator } from '../../domain/pipeline.js';
import { listWords } from '../../lib/suggest.js';
import type { Path } from '../../lib/yaml/locator.js';
import { checkSchedule, checkTimeZone } from '../windows/window-texts.js';
import type { DeclarationReader } from './declaration-reader.js';

type Where = 'BeforeEntry' | 'OnSuccess' | 'OnFailure';

const RESULTS: Record<Where, readonly ConditionResult[]> = {
  BeforeEntry: ['FAIL', 'SKIP', 'WAIT'],
  OnSuccess: ['ROLLBACK', 'FAIL'],
  OnFailure: ['ROLLBACK', 'RETRY'],
};
const RULE_TYPES = ['DeploymentWindow', 'VariableCheck', 'Commands', 'CloudWatchAlarm', 'LambdaInvoke'];
const OPERATORS: readonly VariableOperator[] = ['EQ', 'NE', 'CONTAINS', 'MATCHES'];
const RULE_KEYS = ['Name', 'RuleTypeId', 'Configuration', 'InputArtifacts', 'Region', 'RoleArn', 'TimeoutInMinutes', 'Commands'];

/** Reads the stage's conditions; undefined when it has none. */
export function readStageConditions(
  r: DeclarationReader,
  stage: Record<string, unknown>,
  stagePath: Path,
  homeRegion: string,
  executionMode: ExecutionMode,
): StageConditions | undefined {
  const out: StageConditions = { beforeEntry: [], onSuccess: [], onFailure: [] };
  let any = false;
  for (const where of ['BeforeEntry', 'OnSuccess', 'OnFailure'] as const) {
    const value = r.get(stage, where);
    if (value === undefined || value === null) continue;
    any = true;
    const path = [...stagePath, r.key(where)];
    const block = r.map(value, path, `\`${r.key(where)}\``);
    if (!block) continue;
    const known = where === 'OnFailure' ? ['Conditions', 'Result', 'RetryConfiguration'] : ['Conditions'];
    r.checkKeys(block, path, known, `\`${r.key(where)}\``);
    if (where === 'OnFailure') readFailureResult(r, block, path, out, executionMode);
    const list = r.get(block, 'Conditions');
    if (list === undefined && where !== 'OnFailure') r.report(r.at(path), `\`${r.key(where)}\` needs \`${r.key('Conditions')}\``);
    const conditions = list === undefined ? [] : (r.list(list, [...path, r.key('Conditions')], `\`${r.key('Conditions')}\``) ?? []);
    conditions.forEach((item, i) => {
      const condition = readCondition(r, item, [...path, r.key('Conditions'), i], where, homeRegion, executionMode);
      if (condition) out[where === 'BeforeEntry' ? 'beforeEntry' : where === 'OnSuccess' ? 'onSuccess' : 'onFailure'].push(condition);
    });
  }
  return any ? out : undefined;
}

function readFailureResult(r: DeclarationReader, block: Record<string, unknown>, path: Path, out: StageConditions, executionMode: ExecutionMode): void {
  const result = r.get(block, 'Result');
  if (result !== undefined) {
    const read = r.oneOf(result, [...path, r.key('Result')], 'the OnFailure result', ['ROLLBACK', 'RETRY'] as const);
    if (read === 'ROLLBACK' && executionMode === 'PARALLEL') refuseRollback(r, [...path, r.key('Result')]);
    else if (read !== undefined) out.onFailureResult = read;
  }
  const retry = r.get(block, 'RetryConfiguration');
  if (retry === undefined) return;
  const retryPath = [...path, r.key('RetryConfiguration')];
  const config = r.map(retry, retryPath, '`RetryConfiguration`');
  if (!config) return;
  r.checkKeys(config, retryPath, ['RetryMode'], '`RetryConfiguration`');
  const mode = r.get(config, 'RetryMode');
  if (mode !== undefined) {
    const read = r.oneOf(mode, [...retryPath, r.key('RetryMode')], 'RetryMode', ['FAILED_ACTIONS', 'ALL_ACTIONS'] as const);
    if (read !== undefined) out.retryMode = read;
  }
  if (out.onFailureResult !== 'RETRY')
    r.report(r.at(retryPath), '`RetryConfiguration` only applies with `Result: RETRY`', `set \`${r.key('Result')}: RETRY\` or remove it`);
}

function readCondition(
  r: DeclarationReader,
  value: unknown,
  path: Path,
  where: Where,
  homeRegion: string,
  executionMode: ExecutionMode,
): StageCondition | undefined {
  const condition = r.map(value, path, 'a condition');
  if (!condition) return undefined;
  r.checkKeys(condition, path, ['Result', 'Rules'], 'a condition');
  const allowed = RESULTS[where];
  const resultPath = [...path, r.key('Result')];
  const result = r.oneOf(r.required(condition, 'Result', path, 'a condition'), resultPath, `a result under \`${r.key(where)}\``, allowed);
  const rulesPath = [...path, r.key('Rules')];
  const list = r.list(r.required(condition, 'Rules', path, 'a condition'), rulesPath, `\`${r.key('Rules')}\``) ?? [];
  if (list.length === 0 || list.length > 5) r.report(r.at(rulesPath), `a condition has 1 to 5 rules, not ${list.length}`);
  const rules: ConditionRule[] = [];
  list.forEach((item, j) => {
    const rule = readRule(r, item, [...rulesPath, j], homeRegion);
    if (rule) rules.push(rule);
  });
  if (result === undefined) return undefined;
  if (result === 'ROLLBACK' && executionMode === 'PARALLEL') {
    refuseRollback(r, resultPath);
    return undefined;
  }
  if (result === 'SKIP' && !rules.some((rule) => rule.kind === 'VariableCheck')) {
    r.report(
      r.at(resultPath),
      'SKIP needs a VariableCheck rule (CodePipeline supports it only with LambdaInvoke and VariableCheck)',
      'add a VariableCheck rule, or use FAIL',
    );
  }
  if (result === 'WAIT' && rules.some((rule) => rule.kind !== 'DeploymentWindow')) {
    r.report(
      r.at(resultPath),
      "WAIT is Meridian's wait for a deployment window: every rule of the condition must be a DeploymentWindow rule",
      'move the other rules into a condition with FAIL or SKIP',
    );
  }
  return { result, rules, location: r.at(path) };
}

function refuseRollback(r: DeclarationReader, path: Path): void {
  r.report(
    r.at(path),
    'ROLLBACK is not available in PARALLEL mode: parallel executions have no last good run to go back along',
    'set `ExecutionMode: QUEUED` (or SUPERSEDED) on the pipeline, or use FAIL (OnSuccess) or RETRY (OnFailure)',
  );
}

function readRule(r: DeclarationReader, value: unknown, path: Path, homeRegion: string): ConditionRule | undefined {
  const rule = r.map(value, path, 'a rule');
  if (!rule) return undefined;
  r.checkKeys(rule, path, RULE_KEYS, 'a rule');
  const name = r.string(r.required(rule, 'Name', path, 'a rule'), [...path, r.key('Name')], 'the rule name') ?? '';
  const typePath = [...path, r.key('RuleTypeId')];
  const typeId = r.map(r.required(rule, 'RuleTypeId', path, `rule ${name}`), typePath, '`RuleTypeId`');
  if (!typeId) return undefined;
  r.checkKeys(typeId, typePath, ['Category', 'Owner', 'Provider', 'Version'], '`RuleTypeId`');
  const category = r.get(typeId, 'Category');
  if (category !== undefined) r.oneOf(category, [...typePath, r.key('Category')], 'the rule category', ['Rule']);
  const provider = r.oneOf(r.required(typeId, 'Provider', typePath, '`RuleTypeId`'), [...typePath, r.key('Provider')], 'the rule type', RULE_TYPES);
  if (provider === undefined) return undefined;
  const location = r.at(path);
  const configPath = [...path, r.key('Configuration')];
  const rawConfig = r.get(rule, 'Configuration');
  const config = rawConfig === undefined ? {} : (r.map(rawConfig, configPath, '`Configuration`') ?? {});
  // Configuration keys are the rule type's own (`Cron`, `TimeZone`), PascalCase in both formats.
  const setting = (key: string, required: boolean): string | undefined => {
    const v = config[key];
    if (v === undefined || v === null) {
      if (required) r.report(r.at(configPath), `a ${provider} rule's \`${r.key('Configuration')}\` needs \`${key}\``);
      return undefined;
    }
    return r.string(v, [...configPath, key], key);
  };
  const checkConfigKeys = (known: string[]): void => {
    for (const key of Object.keys(config)) {
      if (!known.includes(key))
        r.report(
          r.locator.keyAt([...configPath, key]),
          `unknown key \`${key}\` in a ${provider} rule's configuration`,
          `a ${provider} rule's configuration may have ${listWords(known)}`,
        );
    }
  };
  switch (provider) {
    case 'DeploymentWindow': {
      checkConfigKeys(['Cron', 'TimeZone']);
      const cron = setting('Cron', true);
      const timezone = setting('TimeZone', false) ?? 'UTC';
      if (cron === undefined) return undefined;
      let ok = checkSchedule(cron, 'cron', { locator: r.locator, path: [...configPath, 'Cron'] }, r.problems);
      ok = checkTimeZone(timezone, { locator: r.locator, path: [...configPath, 'TimeZone'] }, r.problems) && ok;
      return ok ? { kind: 'DeploymentWindow', name, cron, timezone, location } : undefined;
    }
    case 'VariableCheck': {
      checkConfigKeys(['Variable', 'Value', 'Operator']);
      const variable = setting('Variable', true);
      const checked = setting('Value', true);
      const operatorText = setting('Operator', true);
      const operator = operatorText === undefined ? undefined : r.oneOf(operatorText, [...configPath, 'Operator'], 'Operator', OPERATORS);
      if (operator === 'MATCHES' && checked !== undefined) checkRegex(r, checked, [...configPath, 'Value']);
      if (variable === undefined || checked === undefined || operator === undefined) return undefined;
      return { kind: 'VariableCheck', name, variable, value: checked, operator, location };
    }
    case 'Commands': {
      const commands = r.get(rule, 'Commands');
      const list = commands === undefined ? undefined : r.stringList(commands, [...path, r.key('Commands')], `\`${r.key('Commands')}\``);
      if (list === undefined || list.length === 0) {
        r.report(location, `a Commands rule needs \`${r.key('Commands')}\`: the shell commands that must succeed`);
        return undefined;
      }
      const region = r.get(rule, 'Region');
      return {
        kind: 'Commands',
        name,
        commands: list,
        region: region === undefined ? homeRegion : (r.string(region, [...path, r.key('Region')], 'Region') ?? homeRegion),
        location,
      };
    }
    default:
      r.report(
        r.at([...typePath, r.key('Provider')]),
        `${provider} rules need AWS (${provider === 'CloudWatchAlarm' ? 'a CloudWatch alarm' : 'a Lambda function'}), which Meridian cannot reach, and no local substitute is configured`,
        `use a Commands rule that checks the same thing (it fails when a command exits non-zero), or one of ${listWords(['DeploymentWindow', 'VariableCheck', 'Commands'])}`,
      );
      return undefined;
  }
}

function checkRegex(r: DeclarationReader, pattern: string, path: Path): void {
  try {
    new RegExp(pattern);
  } catch (thrown) {
    r.report(
      r.at(path),
      `\`${pattern}\` is not a regular expression: ${(thrown as Error).message}`,
      'MATCHES takes a regular expression (Java syntax; Meridian reads it as a JavaScript one)',
    );
  }
}
