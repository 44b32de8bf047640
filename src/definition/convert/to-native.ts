/**
 * A compiled Pipeline -> the data of a native `meridian.yaml` that compiles back to the
 * same model. Stages whose actions are the same action once per region collapse into one
 * `forEach` stage (see region-templates.ts); the first stage becomes `sources:` when it holds
 * only Meridian git sources named after their artifacts; CodePipeline keys of known types
 * take their friendly `with:` names.
 */
import {
  actionTypeKey,
  type Action,
  type ConfigValue,
  type EnvironmentVariable,
  type Pipeline,
  type PipelineWebhook,
  type Stage,
} from '../../domain/pipeline.js';
import { pollsForSourceChanges } from '../codepipeline/triggers.js';
import { friendlyKey, usesOf } from '../native/action-types.js';
import { inferText, type RegionValues } from './region-templates.js';

export type NativeData = Record<string, unknown>;

export interface ToNativeOptions {
  /** Collapse per-region actions into forEach stages (default true). */
  collapse?: boolean;
  /** Region values already known (from the template's Metadata.Meridian), extended while collapsing. */
  regionValues?: RegionValues;
  /** Native blocks kept verbatim (from Metadata.Meridian): they compile to the model's windows and rollout. */
  windows?: unknown;
  rollout?: unknown;
  regionWindows?: Record<string, unknown>;
}

const GIT_SOURCE = 'Source/Meridian/Git';

export function toNative(pipeline: Pipeline, options: ToNativeOptions = {}): NativeData {
  const values: RegionValues = structuredClone(options.regionValues ?? {});
  const out: NativeData = { pipeline: pipeline.name };
  if (pipeline.executionMode !== 'SUPERSEDED') out.executionMode = pipeline.executionMode;
  if (pipeline.regions[0]?.name !== pipeline.homeRegion) out.home = pipeline.homeRegion;

  const parameters = Object.fromEntries(
    pipeline.parameters.map((p) => [
      p.name,
      p.type === 'SSM'
        ? { ssm: p.default ?? '' }
        : {
            ...(p.default === undefined ? {} : { default: p.default }),
            ...(p.type === 'String' ? {} : { type: p.type }),
            ...(p.noEcho ? { noEcho: true } : {}),
          },
    ]),
  );
  const variables = Object.fromEntries(
    pipeline.variables.map((v) => [
      v.name,
      v.description === undefined && v.defaultValue !== undefined
        ? v.defaultValue
        : { ...(v.defaultValue === undefined ? {} : { default: v.defaultValue }), ...(v.description === undefined ? {} : { description: v.description }) },
    ]),
  );

  const stages = pipeline.stages.map((stage, s) => stageData(pipeline, stage, s, options.collapse !== false, values));
  const sources = sourcesData(pipeline);

  out.regions = Object.fromEntries(
    pipeline.regions.map((region) => {
      const entry: Record<string, unknown> = {};
      if (region.timezone !== 'UTC') entry.timezone = region.timezone;
      if (region.store.kind === 's3' && !region.store.location.startsWith('s3://')) entry.bucket = region.store.location;
      else if (!(region.store.kind === 'folder' && region.store.location === `stores/${region.name}`)) entry.store = region.store.location;
      if (values[region.name] && Object.keys(values[region.name]!).length > 0) entry.values = values[region.name];
      const windows = options.regionWindows?.[region.name];
      if (windows !== undefined) entry.windows = windows;
      return [region.name, entry];
    }),
  );
  if (Object.keys(parameters).length > 0) out.parameters = parameters;
  if (Object.keys(variables).length > 0) out.variables = variables;
  if (Object.keys(pipeline.resources).length > 0) {
    out.resources = Object.fromEntries(Object.entries(pipeline.resources).map(([id, r]) => [id, { Type: r.type, Properties: r.properties }]));
  }
  if (sources) out.sources = sources;
  out.stages = sources ? stages.slice(1) : stages;
  if (options.windows !== undefined) out.windows = options.windows;
  if (options.rollout !== undefined) out.rollout = options.rollout;
  return out;
}

/** `sources:` when the first stage is exactly what `sources:` compiles to. */
function sourcesData(pipeline: Pipeline): Record<string, unknown> | undefined {
  const first = pipeline.stages[0];
  if (!first || first.name !== 'Source' || first.actions.length === 0 || first.lanes !== undefined || first.onLaneFailure !== undefined) return undefined;
  const plain = first.actions.every((a) => {
    const keys = Object.keys(a.configuration).sort().join(',');
    return (
      actionTypeKey(a.type) === GIT_SOURCE &&
      a.type.version === '1' &&
      a.outputArtifacts.length === 1 &&
      a.outputArtifacts[0] === a.name &&
      a.inputArtifacts.length === 0 &&
      a.runOrder === 1 &&
      a.region === pipeline.homeRegion &&
      a.homeByDefault === true &&
      a.timeoutInMinutes === undefined &&
      a.commands === undefined &&
      a.outputVariables === undefined &&
      a.environmentVariables === undefined &&
      (keys === 'Repository' || keys === 'Branch,Repository')
    );
  });
  if (!plain) return undefined;
  return Object.fromEntries(
    first.actions.map((action) => {
      const entry: Record<string, unknown> = { git: action.configuration.Repository };
      if (action.configuration.Branch !== undefined) entry.branch = action.configuration.Branch;
      if (action.namespace !== undefined) entry.namespace = action.namespace;
      Object.assign(entry, startsData(pipeline, action));
      return [action.name, entry];
    }),
  );
}

function stageData(pipeline: Pipeline, stage: Stage, index: number, collapse: boolean, values: RegionValues): Record<string, unknown> {
  const lanes = {
    ...(stage.lanes === undefined ? {} : { lanes: stage.lanes }),
    ...(stage.onLaneFailure === undefined ? {} : { onLaneFailure: stage.onLaneFailure }),
  };
  if (collapse && index > 0) {
    const collapsed = collapseStage(pipeline, stage, values);
    if (collapsed) return { name: stage.name, forEach: collapsed.forEach, ...lanes, actions: collapsed.entries };
  }
  return {
    name: stage.name,
    ...lanes,
    actions: stage.actions.map((action) => ({ ...actionData(action), ...(index === 0 ? startsData(pipeline, action) : {}) })),
  };
}

/**
 * `region:` exactly when the definition named the action's region (even the home region): an
 * action that names none is stage-wide in region lanes, one that names its region is in that
 * region's lane (domain/region-lanes.ts), so the difference must survive the round trip.
 */
function actionData(action: Action): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: action.name, uses: usesOf(action.type) };
  if (action.runOrder !== 1) entry.runOrder = action.runOrder;
  if (action.homeByDefault !== true) entry.region = action.region;
  if (action.namespace !== undefined) entry.namespace = action.namespace;
  if (action.timeoutInMinutes !== undefined) entry.timeout = action.timeoutInMinutes;
  if (Object.keys(action.configuration).length > 0) {
    entry.with = Object.fromEntries(Object.entries(action.configuration).map(([key, value]) => [friendlyKey(action.type, key), value]));
  }
  if (action.inputArtifacts.length > 0) entry.inputs = [...action.inputArtifacts];
  if (action.outputArtifacts.length > 0) entry.outputs = [...action.outputArtifacts];
  if (action.commands !== undefined) entry.commands = [...action.commands];
  if (action.outputVariables !== undefined) entry.outputVariables = [...action.outputVariables];
  if (action.environmentVariables !== undefined) entry.env = envData(action.environmentVariables);
  if (action.expectedDurationMs !== undefined) entry.expectedDuration = `${action.expectedDurationMs / 1000}s`;
  if (action.agentLabels !== undefined) entry.runsOn = [...action.agentLabels];
  return entry;
}

function envData(variables: readonly EnvironmentVariable[]): Record<string, unknown> {
  return Object.fromEntries(
    variables.map((v) => [v.name, v.type === 'PLAINTEXT' ? v.value : v.type === 'PARAMETER_STORE' ? { parameter: v.value } : { secret: v.value }]),
  );
}

/** `webhook:` and `on:` of a first-stage source action (polls come from PollForSourceChanges or `poll:`). */
function startsData(pipeline: Pipeline, action: Action): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const webhook = pipeline.webhooks.find((w) => w.targetAction === action.name);
  const trigger = pipeline.triggers.find((t) => t.sourceActionName === action.name);
  if (webhook) out.webhook = webhookData(webhook, action, trigger !== undefined);
  if (trigger) {
    out.on = trigger.push.map((filter) => {
      const entry: Record<string, unknown> = {};
      if (filter.branches) entry.branches = criteriaData(filter.branches);
      if (filter.tags) entry.tags = criteriaData(filter.tags);
      if (filter.filePaths) entry.paths = criteriaData(filter.filePaths);
      return entry;
    });
  }
  const poll = pipeline.polls.find((p) => p.sourceActionName === action.name);
  if (poll && !pollsForSourceChanges(action)) out.poll = `${poll.intervalSeconds}s`;
  return out;
}

function webhookData(webhook: PipelineWebhook, action: Action, hasTrigger: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (webhook.name !== action.name) out.name = webhook.name;
  if (webhook.secret)
    out.secret =
      webhook.secret.kind === 'plain'
        ? webhook.secret.value
        : webhook.secret.kind === 'parameter'
          ? { parameter: webhook.secret.name }
          : { secret: webhook.secret.reference };
  if (webhook.allowedIpRange !== undefined) out.allowedIpRange = webhook.allowedIpRange;
  if (webhook.authentication === 'UNAUTHENTICATED') out.unauthenticated = true;
  const branchKey = ['Branch', 'BranchName'].find((key) => typeof action.configuration[key] === 'string');
  const canonical =
    !hasTrigger &&
    branchKey !== undefined &&
    webhook.filters.length === 1 &&
    webhook.filters[0]!.jsonPath === '$.ref' &&
    webhook.filters[0]!.matchEquals === `refs/heads/{${branchKey}}`;
  if (!canonical)
    out.filters = webhook.filters.map((f) => (f.matchEquals === undefined ? { jsonPath: f.jsonPath } : { jsonPath: f.jsonPath, matchEquals: f.matchEquals }));
  return out;
}

function criteriaData(criteria: { includes: string[]; excludes: string[] }): unknown {
  if (criteria.excludes.length === 0 && criteria.includes.length > 0) return [...criteria.includes];
  return {
    ...(criteria.includes.length > 0 ? { includes: [...criteria.includes] } : {}),
    ...(criteria.excludes.length > 0 ? { excludes: [...criteria.excludes] } : {}),
  };
}

/**
 * The stage as `forEach` entries: its actions come in groups, one per entry, each group
 * holding one action per region in the same region order, alike but for their region.
 */
function collapseStage(pipeline: Pipeline, stage: Stage, values: RegionValues): { forEach: unknown; entries: Array<Record<string, unknown>> } | undefined {
  const regions = [...new Set(stage.actions.map((a) => a.region))];
  const k = regions.length;
  // forEach names every action's region: an action that names none (stage-wide in lanes) cannot be one of its copies.
  if (k < 2 || stage.actions.length % k !== 0 || stage.actions.some((a) => a.type.category === 'Source' || a.homeByDefault === true)) return undefined;
  const trial = structuredClone(values);
  const entries: Array<Record<string, unknown>> = [];
  for (let g = 0; g < stage.actions.length; g += k) {
    const group = stage.actions.slice(g, g + k);
    if (group.some((action, i) => action.region !== regions[i])) return undefined;
    const entry = entryFor(group, regions, trial);
    if (!entry) return undefined;
    entries.push(entry);
  }
  for (const [region, known] of Object.entries(trial)) values[region] = known;
  const all = pipeline.regions.map((r) => r.name);
  const forEach = all.length === k && all.every((name, i) => name === regions[i]) ? 'region' : regions;
  return { forEach, entries };
}

function entryFor(group: readonly Action[], regions: readonly string[], values: RegionValues): Record<string, unknown> | undefined {
  const first = group[0]!;
  const same = (pick: (a: Action) => unknown): boolean => group.every((a) => JSON.stringify(pick(a)) === JSON.stringify(pick(first)));
  if (
    !same((a) => a.type) ||
    !same((a) => a.runOrder) ||
    !same((a) => a.timeoutInMinutes) ||
    !same((a) => a.outputVariables) ||
    !same((a) => a.expectedDurationMs) ||
    !same((a) => a.agentLabels)
  )
    return undefined;
  const text = (pick: (a: Action) => string): string | undefined => inferText(group.map(pick), regions, values);
  const texts = (pick: (a: Action) => readonly string[] | undefined): string[] | undefined | null => {
    const lists = group.map(pick);
    if (lists.every((list) => list === undefined)) return undefined;
    if (lists.some((list) => list === undefined || list.length !== lists[0]!.length)) return null;
    const out: string[] = [];
    for (let i = 0; i < lists[0]!.length; i++) {
      const inferred = inferText(
        lists.map((list) => list![i]!),
        regions,
        values,
      );
      if (inferred === undefined) return null;
      out.push(inferred);
    }
    return out;
  };
  const name = text((a) => a.name);
  if (name === undefined) return undefined;
  const entry: Record<string, unknown> = { name, uses: usesOf(first.type) };
  if (first.runOrder !== 1) entry.runOrder = first.runOrder;
  if (!same((a) => a.namespace === undefined)) return undefined;
  if (first.namespace !== undefined) {
    const namespace = text((a) => a.namespace!);
    if (namespace === undefined) return undefined;
    entry.namespace = namespace;
  }
  if (first.timeoutInMinutes !== undefined) entry.timeout = first.timeoutInMinutes;
  const keys = Object.keys(first.configuration);
  if (!same((a) => Object.keys(a.configuration).sort())) return undefined;
  if (keys.length > 0) {
    const configuration: Record<string, ConfigValue> = {};
    for (const key of keys) {
      const column = group.map((a) => a.configuration[key]);
      let value: ConfigValue | undefined;
      if (column.every((item) => typeof item === 'string')) value = inferText(column, regions, values);
      else if (column.every((item) => JSON.stringify(item) === JSON.stringify(column[0]))) value = column[0];
      if (value === undefined) return undefined;
      configuration[friendlyKey(first.type, key)] = value;
    }
    entry.with = configuration;
  }
  const inputs = texts((a) => a.inputArtifacts);
  const outputs = texts((a) => a.outputArtifacts);
  const commands = texts((a) => a.commands);
  if (inputs === null || outputs === null || commands === null) return undefined;
  if (inputs && inputs.length > 0) entry.inputs = inputs;
  if (outputs && outputs.length > 0) entry.outputs = outputs;
  if (commands) entry.commands = commands;
  if (first.outputVariables !== undefined) entry.outputVariables = [...first.outputVariables];
  if (first.environmentVariables !== undefined) {
    if (!same((a) => a.environmentVariables?.map((v) => [v.name, v.type]))) return undefined;
    const env: EnvironmentVariable[] = [];
    for (let i = 0; i < first.environmentVariables.length; i++) {
      const value = inferText(
        group.map((a) => a.environmentVariables![i]!.value),
        regions,
        values,
      );
      if (value === undefined) return undefined;
      env.push({ ...first.environmentVariables[i]!, value });
    }
    entry.env = envData(env);
  }
  if (first.expectedDurationMs !== undefined) entry.expectedDuration = `${first.expectedDurationMs / 1000}s`;
  if (first.agentLabels !== undefined) entry.runsOn = [...first.agentLabels];
  return entry;
}
