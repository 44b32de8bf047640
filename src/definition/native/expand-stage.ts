/**
 * One native stage -> one Stage. In a `forEach` stage every action entry becomes one
 * action per region (entry by entry: all regions of the first entry, then the next), with
 * `${region}`, `${region.timezone}` and `${region.KEY}` (the region's `values:`) replaced in its name, configuration, artifacts,
 * namespace, commands and environment; every copy points at the entry it came from.
 * Outside forEach the same placeholders mean the action's own region.
 */
import { substituteRegion, unknownValueProblem } from './region-substitution.js';
import type { Problem } from '../../domain/errors.js';
import type { Action, ConfigValue, EnvironmentVariable, Region, Stage } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import type { ActionTrace, StageTrace } from '../trace.js';
import type { Locator, Path } from '../../lib/yaml/locator.js';
import { mapConfiguration, resolveUses } from './action-types.js';
import type { NativeAction, NativeStage } from './schema.js';

export interface ExpandContext {
  regions: readonly Region[];
  /** Each region's `values:`, for `${region.KEY}`. */
  regionValues: Readonly<Record<string, Readonly<Record<string, string>>>>;
  homeRegion: string;
  locator: Locator;
  problems: Problem[];
}

export function expandStage(definition: NativeStage, index: number, ctx: ExpandContext): { stage: Stage; trace: StageTrace } {
  const path = ['stages', index];
  const { locator } = ctx;
  const trace: StageTrace = { at: locator.at(path), fields: { name: locator.at([...path, 'name']) }, actions: [] };
  const stage: Stage = { name: definition.name, actions: [], location: trace.at };
  if (definition.lanes !== undefined) {
    stage.lanes = definition.lanes;
    trace.fields.lanes = locator.at([...path, 'lanes']);
  }
  if (definition.onLaneFailure !== undefined) {
    stage.onLaneFailure = definition.onLaneFailure;
    trace.fields.onLaneFailure = locator.at([...path, 'onLaneFailure']);
  }
  const targets = forEachRegions(definition, path, ctx);
  definition.actions.forEach((entry, j) => {
    const entryPath = [...path, 'actions', j];
    const uses = resolveUses(entry.uses);
    if ('message' in uses) ctx.problems.push(problem(locator.at([...entryPath, 'uses']), uses.message, uses.hint));
    const type = 'type' in uses ? uses.type : { category: 'Build' as const, owner: 'AWS' as const, provider: entry.uses, version: '1' };
    if (targets && entry.region !== undefined) {
      ctx.problems.push(
        problem(
          locator.at([...entryPath, 'region']),
          'an action in a forEach stage runs in every region of the stage',
          'remove `region:`, or move the action to a stage without forEach',
        ),
      );
    }
    // An undeclared home region is reported once, at `home:`.
    const home = ctx.regions.find((r) => r.name === ctx.homeRegion) ?? {
      name: ctx.homeRegion,
      timezone: 'UTC',
      store: { kind: 'folder' as const, location: `stores/${ctx.homeRegion}` },
    };
    const regions = targets ?? [entry.region === undefined ? home : regionNamed(entry.region, [...entryPath, 'region'], ctx)];
    for (const region of regions) {
      const { action, trace: actionTrace } = compileAction(entry, entryPath, region, { ...type }, ctx);
      if (targets && !actionTrace.fields.region) actionTrace.fields.region = locator.at([...path, 'forEach']);
      actionTrace.expanded = targets !== undefined;
      if (!targets && entry.region === undefined) action.homeByDefault = true;
      stage.actions.push(action);
      trace.actions.push(actionTrace);
    }
  });
  return { stage, trace };
}

function forEachRegions(definition: NativeStage, path: Path, ctx: ExpandContext): Region[] | undefined {
  if (definition.forEach === undefined) return undefined;
  if (definition.forEach === 'region') return [...ctx.regions];
  return definition.forEach.map((name, k) => regionNamed(name, [...path, 'forEach', k], ctx));
}

/** The declared region `name`; an undeclared one is reported and stands in as UTC with no store. */
function regionNamed(name: string, path: Path, ctx: ExpandContext): Region {
  const region = ctx.regions.find((r) => r.name === name);
  if (region) return region;
  const names = ctx.regions.map((r) => r.name);
  ctx.problems.push(
    problem(
      ctx.locator.at(path),
      `region ${name} is not declared under \`regions:\``,
      didYouMean(name, names) ?? `declared regions: ${listWords(names, 'and')}`,
    ),
  );
  return { name, timezone: 'UTC', store: { kind: 'folder', location: `stores/${name}` } };
}

function compileAction(entry: NativeAction, path: Path, region: Region, type: Action['type'], ctx: ExpandContext): { action: Action; trace: ActionTrace } {
  const { locator } = ctx;
  const values = ctx.regionValues[region.name] ?? {};
  // Each `${region.KEY}` the region has no value for, with the first field that holds it.
  const unknown = new Map<string, Path>();
  const sub =
    (...written: Array<string | number>) =>
    (text: string, k?: number): string => {
      const missing = new Set<string>();
      const done = substituteRegion(text, region, values, missing);
      for (const key of missing) if (!unknown.has(key)) unknown.set(key, [...path, ...written, ...(k === undefined ? [] : [k])]);
      return done;
    };
  const trace: ActionTrace = { at: locator.at(path), fields: {} };
  const field = (model: string, ...written: Array<string | number>): void => {
    const fieldPath = [...path, ...written];
    if (locator.has(fieldPath)) trace.fields[model] = locator.at(fieldPath);
  };
  field('name', 'name');
  field('type', 'uses');
  field('runOrder', 'runOrder');
  field('region', 'region');
  field('namespace', 'namespace');
  field('timeoutInMinutes', 'timeout');
  field('configuration', 'with');
  field('inputArtifacts', 'inputs');
  field('outputArtifacts', 'outputs');
  field('commands', 'commands');
  field('outputVariables', 'outputVariables');
  field('environmentVariables', 'env');
  field('agentLabels', 'runsOn');

  const mapped = mapConfiguration(type, entry.with);
  for (const { key, other } of mapped.duplicates) {
    ctx.problems.push(problem(locator.keyAt([...path, 'with', key]), `\`${key}\` sets the same configuration as \`${other}\``, 'keep one of them'));
  }
  const configuration: Record<string, ConfigValue> = {};
  for (const [key, value] of Object.entries(mapped.configuration)) {
    configuration[key] = substitute(value, (text, at) => sub('with', mapped.writtenAs[key] ?? key, ...at)(text));
    field(`configuration.${key}`, 'with', mapped.writtenAs[key] ?? key);
    nestedFields(value, `configuration.${key}`, ['with', mapped.writtenAs[key] ?? key], field);
  }
  const action: Action = {
    name: sub('name')(entry.name),
    type,
    runOrder: entry.runOrder ?? 1,
    region: region.name,
    configuration,
    inputArtifacts: (entry.inputs ?? []).map((text, k) => sub('inputs')(text, k)),
    outputArtifacts: (entry.outputs ?? []).map((text, k) => sub('outputs')(text, k)),
    location: trace.at,
  };
  (entry.inputs ?? []).forEach((_, k) => field(`inputArtifacts.${k}`, 'inputs', k));
  (entry.outputs ?? []).forEach((_, k) => field(`outputArtifacts.${k}`, 'outputs', k));
  if (entry.namespace !== undefined) action.namespace = sub('namespace')(entry.namespace);
  if (entry.timeout !== undefined) action.timeoutInMinutes = toMinutes(entry.timeout);
  if (entry.commands !== undefined) {
    action.commands = entry.commands.map((text, k) => sub('commands')(text, k));
    entry.commands.forEach((_, k) => field(`commands.${k}`, 'commands', k));
  }
  if (entry.outputVariables !== undefined) action.outputVariables = [...entry.outputVariables];
  if (entry.runsOn !== undefined) action.agentLabels = [...new Set(typeof entry.runsOn === 'string' ? [entry.runsOn] : entry.runsOn)].sort();
  if (entry.env !== undefined) {
    action.environmentVariables = Object.entries(entry.env).map(([name, value], k): EnvironmentVariable => {
      field(`environmentVariables.${k}`, 'env', name);
      // A parameter's or a secret's name is per region as a plain value is (`/app/${region}/token`).
      if (typeof value === 'object') {
        return 'parameter' in value
          ? { name, value: sub('env', name, 'parameter')(value.parameter), type: 'PARAMETER_STORE' }
          : { name, value: sub('env', name, 'secret')(value.secret), type: 'SECRETS_MANAGER' };
      }
      return { name, value: sub('env', name)(String(value)), type: 'PLAINTEXT' };
    });
  }
  const known = [...new Set(ctx.regions.flatMap((r) => Object.keys(ctx.regionValues[r.name] ?? {})))];
  for (const [key, at] of unknown) ctx.problems.push(unknownValueProblem(locator.has(at) ? locator.at(at) : trace.at, key, [region.name], known));
  return { action, trace };
}

/** `value` with every string substituted; `sub` is told where inside the value the string is. */
function substitute(value: ConfigValue, sub: (text: string, at: Array<string | number>) => string, at: Array<string | number> = []): ConfigValue {
  if (typeof value === 'string') return sub(value, at);
  if (Array.isArray(value)) return value.map((item, k) => substitute(item, sub, [...at, k]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, sub, [...at, key])]));
  }
  return value;
}

const MINUTES_PER_UNIT: Record<string, number> = { s: 1 / 60, m: 1, h: 60, d: 24 * 60 };

/** A native timeout (minutes, or `90s` / `10m` / `2h` / `1d`) in minutes. */
function toMinutes(timeout: number | string): number {
  if (typeof timeout === 'number') return timeout;
  const unit = timeout.slice(-1);
  return Number(timeout.slice(0, -1)) * (MINUTES_PER_UNIT[unit] ?? 1);
}

/** Where the keys of a map inside `with:` were written (`healthCheck.url`), a few levels deep. */
function nestedFields(value: ConfigValue, model: string, written: string[], field: (model: string, ...written: string[]) => void, depth = 0): void {
  if (depth > 3 || value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, item] of Object.entries(value)) {
    field(`${model}.${key}`, ...written, key);
    nestedFields(item, `${model}.${key}`, [...written, key], field, depth + 1);
  }
}
