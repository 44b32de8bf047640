/**
 * `meridian export --format codepipeline`: a compiled native pipeline -> a CloudFormation
 * template CodePipeline accepts, with the `AWS::CodePipeline::Pipeline` (V2, one artifact
 * store per region, one action per region, runOrders, namespaces, variables, triggers), the
 * CodeBuild projects and webhooks it needs, and SSM-typed parameters for the per-region
 * buckets. Meridian-only settings are kept in the pipeline's `Metadata.Meridian` (time
 * zones, region values, windows, rollout, region lanes) and each change is listed in the
 * header comment. An action has `Region` exactly when its definition named one.
 */
import { Document, Scalar } from 'yaml';
import type { Pipeline, PipelineWebhook } from '../../domain/pipeline.js';
import { intrinsicTags } from '../../lib/yaml/intrinsic-tags.js';
import { isPlainObject } from '../values.js';
import { cfnText, cfnValue, pascal, tagged } from './cfn-values.js';
import { exportAction, type ExportContext } from './export-actions.js';
import { renderYaml } from './yaml-output.js';

export interface NativeExtras {
  /** `regions.NAME.values` and `regions.NAME.windows` of the native file. */
  regionValues: Record<string, Record<string, string>>;
  regionWindows?: Record<string, unknown>;
  windows?: unknown;
  rollout?: unknown;
}

export interface ExportResult {
  text: string;
  notes: string[];
}

const PIPELINE_ID = 'Pipeline';

export function toCodePipeline(pipeline: Pipeline, extras: NativeExtras, source: string): ExportResult {
  const ctx: ExportContext = { pipeline, resources: {}, parameters: {}, notes: [], customTypes: new Map(), comments: [] };
  const parameters: Record<string, unknown> = {};
  for (const p of pipeline.parameters) {
    if (p.type === 'SSM') parameters[p.name] = { Type: 'AWS::SSM::Parameter::Value<String>', Default: p.default ?? '' };
    else parameters[p.name] = { Type: p.type, ...(p.default === undefined ? {} : { Default: p.default }), ...(p.noEcho ? { NoEcho: true } : {}) };
  }

  const stores = pipeline.regions.map((region) => {
    const location = region.store.location;
    if (region.store.kind === 's3' && !location.startsWith('s3://')) return { Region: region.name, ArtifactStore: { Type: 'S3', Location: cfnText(location) } };
    if (location.startsWith('s3://')) {
      const [bucket = '', ...prefix] = location.slice('s3://'.length).split('/');
      if (prefix.length > 0)
        ctx.notes.push(`region ${region.name}: CodePipeline keeps artifacts at the top of bucket ${bucket}, not under ${prefix.join('/')}/`);
      return { Region: region.name, ArtifactStore: { Type: 'S3', Location: bucket } };
    }
    const name = `ArtifactBucket${pascal(region.name)}`;
    parameters[name] = {
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: `/meridian/${pipeline.name}/${region.name}/artifact-bucket`,
      Description: `The artifact bucket of ${region.name}`,
    };
    ctx.notes.push(
      `region ${region.name}: Meridian kept its artifacts in ${location}; CodePipeline needs a bucket in that region, named by SSM parameter /meridian/${pipeline.name}/${region.name}/artifact-bucket`,
    );
    return { Region: region.name, ArtifactStore: { Type: 'S3', Location: tagged('!Ref', name) } };
  });

  const stages = pipeline.stages.map((stage) => ({ Name: stage.name, Actions: stage.actions.map((action) => exportAction(action, ctx)) }));
  for (const [type, names] of ctx.customTypes) {
    ctx.notes.push(
      type === 'Deploy/Meridian/Release'
        ? `${type} (${names.join(', ')}) has no CodePipeline equivalent: written as CodeDeploy actions (application ${pipeline.name}, one deployment group per action, which you create), each with the release settings in a comment; Meridian refuses CodeDeploy, so this part does not come back by \`meridian import\``
        : `${type} (${names.join(', ')}) is written as a Commands action running \`true\``,
    );
  }
  const connections = new Set(
    stages[0]?.Actions.filter((a) => (a.ActionTypeId as { Provider?: string }).Provider === 'CodeStarSourceConnection').map((a) => String(a.Name)),
  );

  const properties: Record<string, unknown> = { Name: pipeline.name, PipelineType: 'V2' };
  if (pipeline.executionMode !== 'SUPERSEDED') properties.ExecutionMode = pipeline.executionMode;
  // A role named after the pipeline, not a parameter: Meridian acts with its machine's credentials either way.
  properties.RoleArn = tagged('!Sub', `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${pipeline.name}-codepipeline`);
  // An action with `Region` goes with `ArtifactStores` (one entry per region), as CodePipeline has it.
  const single =
    pipeline.regions.length === 1 && pipeline.stages.every((s) => s.actions.every((a) => a.region === pipeline.homeRegion && a.homeByDefault === true));
  if (single) properties.ArtifactStore = stores[0]!.ArtifactStore;
  else properties.ArtifactStores = stores;
  if (pipeline.variables.length > 0) {
    properties.Variables = pipeline.variables.map((v) => ({
      Name: v.name,
      ...(v.defaultValue === undefined ? {} : { DefaultValue: v.defaultValue }),
      ...(v.description === undefined ? {} : { Description: v.description }),
    }));
  }
  if (pipeline.triggers.length > 0) {
    properties.Triggers = pipeline.triggers.map((trigger) => ({
      ProviderType: 'CodeStarSourceConnection',
      GitConfiguration: {
        SourceActionName: trigger.sourceActionName,
        Push: trigger.push.map((filter) => {
          const out: Record<string, unknown> = {};
          if (filter.branches) out.Branches = criteria(filter.branches);
          if (filter.filePaths) out.FilePaths = criteria(filter.filePaths);
          if (filter.tags) out.Tags = criteria(filter.tags);
          return out;
        }),
      },
    }));
  }
  properties.Stages = stages;

  const meridian: Record<string, unknown> = { HomeRegion: pipeline.homeRegion };
  const regionMeta: Record<string, unknown> = {};
  for (const region of pipeline.regions) {
    const entry: Record<string, unknown> = {};
    if (region.timezone !== 'UTC') entry.TimeZone = region.timezone;
    const values = extras.regionValues[region.name];
    if (values && Object.keys(values).length > 0) entry.Values = values;
    if (extras.regionWindows?.[region.name] !== undefined) entry.Windows = extras.regionWindows[region.name];
    if (Object.keys(entry).length > 0) regionMeta[region.name] = entry;
  }
  if (Object.keys(regionMeta).length > 0) meridian.Regions = regionMeta;
  if (extras.windows !== undefined) meridian.Windows = extras.windows;
  if (extras.windows !== undefined || extras.regionWindows !== undefined) {
    ctx.notes.push(
      'windows: CodePipeline has no per-region windows. They are kept in Metadata.Meridian, which Meridian reads (so it runs this template with the same windows) and CodePipeline ignores: on AWS every region deploys when its action is reached. The nearest CodePipeline form is a stage entry condition with a DeploymentWindow rule, one cron and time zone for the whole stage',
    );
  }
  if (extras.rollout !== undefined) {
    meridian.Rollout = extras.rollout;
    ctx.notes.push(
      "rollout: CodePipeline deploys a stage's actions by runOrder, without waves, bake time, health checks or rollback of earlier regions; the rollout is kept in Metadata.Meridian.Rollout, which Meridian reads and CodePipeline ignores",
    );
  }
  const durations: Record<string, Record<string, string>> = {};
  for (const stage of pipeline.stages) {
    for (const action of stage.actions) {
      if (action.expectedDurationMs === undefined) continue;
      (durations[stage.name] ??= {})[action.name] = `${action.expectedDurationMs / 1000}s`;
    }
  }
  if (Object.keys(durations).length > 0) meridian.ExpectedDurations = durations;
  const labels: Record<string, Record<string, string[]>> = {};
  for (const stage of pipeline.stages) {
    for (const action of stage.actions) if (action.agentLabels !== undefined) (labels[stage.name] ??= {})[action.name] = [...action.agentLabels];
  }
  if (Object.keys(labels).length > 0) {
    meridian.RunsOn = labels;
    ctx.notes.push(
      'runsOn: CodePipeline has no agent labels; they are kept in Metadata.Meridian.RunsOn, which Meridian reads (its agents route the jobs by them) and CodePipeline ignores',
    );
  }

  addLaneMetadata(pipeline, meridian, ctx.notes);

  const resources: Record<string, unknown> = {};
  for (const [id, resource] of Object.entries(pipeline.resources)) resources[id] = { Type: resource.type, Properties: cfnValue(resource.properties) };
  Object.assign(resources, ctx.resources);
  resources[PIPELINE_ID] = { Type: 'AWS::CodePipeline::Pipeline', Metadata: { Meridian: meridian }, Properties: properties };
  pipeline.webhooks.forEach((webhook) => {
    resources[webhookId(webhook, resources)] = webhookResource(webhook, connections.has(webhook.targetAction), ctx);
  });

  // Quoted, or a YAML 1.1 reader takes the version for a date.
  const version = new Scalar('2010-09-09');
  version.type = Scalar.QUOTE_SINGLE;
  const template = {
    AWSTemplateFormatVersion: version,
    Description: `${pipeline.name}: exported from ${source} by \`meridian export\``,
    Parameters: { ...parameters, ...ctx.parameters },
    Resources: resources,
  };
  const doc = new Document(template, { customTags: intrinsicTags });
  const lines = [` ${pipeline.name} as a CloudFormation template for AWS CodePipeline, exported from ${source} by \`meridian export\`.`];
  if (ctx.notes.length > 0) {
    lines.push(' What changes from the native definition:');
    for (const note of ctx.notes) lines.push(`   - ${note}`);
  }
  const comments = ctx.comments.flatMap(({ action, text }) => {
    const s = pipeline.stages.findIndex((stage) => stage.actions.includes(action));
    return s < 0 ? [] : [{ path: ['Resources', PIPELINE_ID, 'Properties', 'Stages', s, 'Actions', pipeline.stages[s]!.actions.indexOf(action)], text }];
  });
  return { text: renderYaml(template, { doc, header: lines.join('\n'), comments }), notes: ctx.notes };
}

/** The stages' `lanes:` and `onLaneFailure:` as Metadata.Meridian.Lanes and OnLaneFailure (cloudformation/lane-metadata.ts). */
function addLaneMetadata(pipeline: Pipeline, meridian: Record<string, unknown>, notes: string[]): void {
  const lanes = Object.fromEntries(pipeline.stages.flatMap((stage) => (stage.lanes === undefined ? [] : [[stage.name, stage.lanes]])));
  const onFailure = Object.fromEntries(pipeline.stages.flatMap((stage) => (stage.onLaneFailure === undefined ? [] : [[stage.name, stage.onLaneFailure]])));
  if (Object.keys(lanes).length > 0) meridian.Lanes = lanes;
  if (Object.keys(onFailure).length > 0) meridian.OnLaneFailure = onFailure;
  if (Object.keys(lanes).length + Object.keys(onFailure).length === 0) return;
  notes.push(
    'lanes: CodePipeline runs runOrder stage-wide, with no region lanes; `lanes:` and `onLaneFailure:` are kept in Metadata.Meridian.Lanes and OnLaneFailure, which Meridian reads (so it orders those stages the same) and CodePipeline ignores',
  );
}

function criteria(value: { includes: string[]; excludes: string[] }): Record<string, unknown> {
  return { ...(value.includes.length > 0 ? { Includes: value.includes } : {}), ...(value.excludes.length > 0 ? { Excludes: value.excludes } : {}) };
}

function webhookId(webhook: PipelineWebhook, taken: Record<string, unknown>): string {
  const base = `${pascal(webhook.name)}Webhook`;
  let id = base;
  for (let n = 2; id in taken; n++) id = `${base}${n}`;
  return id;
}

function webhookResource(webhook: PipelineWebhook, toConnection: boolean, ctx: ExportContext): Record<string, unknown> {
  const properties: Record<string, unknown> = { Name: webhook.name, Authentication: webhook.authentication };
  const secret = webhook.secret;
  if (secret) {
    const token = secret.kind === 'plain' ? secret.value : secret.kind === 'parameter' ? `{{resolve:ssm:${secret.name}}}` : secretReference(secret.reference);
    if (secret.kind === 'plain')
      ctx.notes.push(
        `webhook ${webhook.name}: its secret is written in clear, as in the native file; keep it in the parameter store or Secrets Manager instead`,
      );
    properties.AuthenticationConfiguration = { SecretToken: token };
  }
  if (webhook.allowedIpRange !== undefined) properties.AuthenticationConfiguration = { AllowedIPRange: webhook.allowedIpRange };
  // A connection action names its branch BranchName.
  properties.Filters = webhook.filters.map((f) => ({
    JsonPath: f.jsonPath,
    ...(f.matchEquals === undefined ? {} : { MatchEquals: toConnection ? f.matchEquals.replaceAll('{Branch}', '{BranchName}') : f.matchEquals }),
  }));
  if (webhook.filters.length === 0) ctx.notes.push(`webhook ${webhook.name} has no filters: every delivery that passes its push filters starts the pipeline`);
  properties.TargetPipeline = tagged('!Ref', PIPELINE_ID);
  properties.TargetAction = webhook.targetAction;
  properties.TargetPipelineVersion = tagged('!GetAtt', `${PIPELINE_ID}.Version`);
  properties.RegisterWithThirdParty = true;
  if (toConnection)
    ctx.notes.push(
      `webhook ${webhook.name} targets a connection source: AWS delivers its pushes through the connection; Meridian receives them at POST /webhooks/github/${ctx.pipeline.name}`,
    );
  return { Type: 'AWS::CodePipeline::Webhook', Properties: properties };
}

/** `id[:key[:stage[:version]]]` -> `{{resolve:secretsmanager:id:SecretString[:key...]}}` (an ARN id keeps its colons). */
function secretReference(reference: string): string {
  const parts = reference.split(':');
  const idLength = parts[0] === 'arn' ? 7 : 1;
  const id = parts.slice(0, idLength).join(':');
  const rest = parts.slice(idLength);
  return rest.length === 0 ? `{{resolve:secretsmanager:${id}}}` : `{{resolve:secretsmanager:${id}:SecretString:${rest.join(':')}}}`;
}

/** What a native file holds beside its model: region values, windows, rollout. */
export function nativeExtras(data: unknown): NativeExtras {
  const extras: NativeExtras = { regionValues: {} };
  if (!isPlainObject(data)) return extras;
  if (isPlainObject(data.regions)) {
    for (const [name, region] of Object.entries(data.regions)) {
      if (isPlainObject(region) && isPlainObject(region.values))
        extras.regionValues[name] = Object.fromEntries(Object.entries(region.values).map(([k, v]) => [k, String(v)]));
      if (isPlainObject(region) && region.windows !== undefined) (extras.regionWindows ??= {})[name] = region.windows;
    }
  }
  if (data.windows !== undefined) extras.windows = data.windows;
  if (data.rollout !== undefined) extras.rollout = data.rollout;
  return extras;
}
