/**
 * The compiled pipeline model: what both definition formats (native YAML and CodePipeline)
 * compile into, and the only shape the engine reads. Pure data, JSON-serialisable, so an
 * execution can keep the exact pipeline it started with.
 *
 * Terminology: a Pipeline has Stages; a Stage has Actions; an Action runs in one Region
 * through one Provider. See the glossary of docs/architecture.md.
 */

/** Where something was written in a definition file (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export type ActionCategory = 'Source' | 'Build' | 'Test' | 'Deploy' | 'Approval' | 'Invoke' | 'Compute';
export type ActionOwner = 'AWS' | 'ThirdParty' | 'Custom' | 'Meridian';

export interface ActionTypeId {
  category: ActionCategory;
  owner: ActionOwner;
  provider: string;
  version: string;
}

/** `Category/Owner/Provider`, the key a provider registers under, e.g. `Compute/AWS/Commands`. */
export function actionTypeKey(type: ActionTypeId): string {
  return `${type.category}/${type.owner}/${type.provider}`;
}

/**
 * A configuration value. Strings may hold references resolved when the action is about to
 * start: `#{Namespace.Variable}`, `#{codepipeline.PipelineExecutionId}`, `#{variables.Name}`
 * and `#{parameters.Name}` (a template parameter, resolved when the execution starts).
 */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };

export type EnvironmentVariableType = 'PLAINTEXT' | 'PARAMETER_STORE' | 'SECRETS_MANAGER';

export interface EnvironmentVariable {
  name: string;
  value: string;
  type: EnvironmentVariableType;
}

export interface Action {
  name: string;
  type: ActionTypeId;
  /** 1–999; actions of one stage with the same runOrder run together. */
  runOrder: number;
  /** Always set: the action's `Region`, or the pipeline's home region. */
  region: string;
  /**
   * The definition names no region for the action (no `Region`, no `region:`, no `forEach`):
   * it runs in the home region by default. In a stage that runs in region lanes such an
   * action is stage-wide, not part of the home region's lane (domain/region-lanes.ts).
   */
  homeByDefault?: true;
  configuration: Record<string, ConfigValue>;
  inputArtifacts: string[];
  outputArtifacts: string[];
  namespace?: string;
  timeoutInMinutes?: number;
  /** Commands action (`Compute/AWS/Commands`) fields. */
  commands?: string[];
  outputVariables?: string[];
  environmentVariables?: EnvironmentVariable[];
  /** How long the action is expected to take (ms), for the window fit check; else the median of its last successful runs. */
  expectedDurationMs?: number;
  /** Labels an agent of the action's region must all have to run it (native `runsOn`). */
  agentLabels?: string[];
  location?: SourceLocation;
}

/** What an agent label may be (`meridian agent --labels`, native `runsOn`): no commas or spaces, as the flag splits on commas. */
export const AGENT_LABEL = /^[A-Za-z0-9._-]{1,100}$/;

export interface Stage {
  name: string;
  actions: Action[];
  /** V2 stage conditions (BeforeEntry, OnSuccess, OnFailure); absent when the stage has none. */
  conditions?: StageConditions;
  /**
   * How runOrder orders the stage's actions (domain/region-lanes.ts): `region`, each region
   * through its own runOrders; `stage`, runOrder stage-wide as CodePipeline runs it; absent,
   * region lanes while windows hold the execution, else stage-wide.
   */
  lanes?: LaneMode;
  /** In region lanes, what the other lanes do when one fails: `stop` (default) or `continue`. */
  onLaneFailure?: LaneFailurePolicy;
  location?: SourceLocation;
}

export type LaneMode = 'region' | 'stage';
export type LaneFailurePolicy = 'stop' | 'continue';

/**
 * A deployment window as written: the schedule text (friendly weekly form, Quartz cron, or
 * one-off dates; see domain/windows) read in `timezone`, else in its region's zone. Kept as
 * text so the model stays JSON; domain/region-windows.ts parses it (validated at compile time).
 */
export interface WindowDefinition {
  effect: 'allow' | 'deny';
  schedule: string;
  timezone?: string;
  reason?: string;
  location?: SourceLocation;
}

/** `always`: every execution waits for windows; `disruptive-only`: only disruptive executions do. */
export type WindowPolicy = 'always' | 'disruptive-only';

export type ConditionResult = 'FAIL' | 'SKIP' | 'ROLLBACK' | 'RETRY' | 'WAIT';
export type VariableOperator = 'EQ' | 'NE' | 'CONTAINS' | 'MATCHES';

/** One rule of a stage condition (CodePipeline rule types, category Rule, owner AWS). */
export type ConditionRule =
  | { kind: 'DeploymentWindow'; name: string; cron: string; timezone: string; location?: SourceLocation }
  | { kind: 'VariableCheck'; name: string; variable: string; value: string; operator: VariableOperator; location?: SourceLocation }
  | { kind: 'Commands'; name: string; commands: string[]; region: string; location?: SourceLocation };

/** A condition is met when every rule succeeds; what `result` does depends on where it is (see docs/windows.md). */
export interface StageCondition {
  result: ConditionResult;
  rules: ConditionRule[];
  location?: SourceLocation;
}

export interface StageConditions {
  beforeEntry: StageCondition[];
  onSuccess: StageCondition[];
  onFailure: StageCondition[];
  /** OnFailure's own `Result`: what a failure of the stage does when no OnFailure condition decides. */
  onFailureResult?: 'ROLLBACK' | 'RETRY';
  /** With RETRY: `RetryConfiguration.RetryMode`. */
  retryMode?: 'FAILED_ACTIONS' | 'ALL_ACTIONS';
}

export type RolloutCheck = { kind: 'http'; url: string } | { kind: 'command'; command: string };
export type RollbackPolicy = 'region' | 'wave' | 'all-previous';

/** The native `rollout:`: regions in waves, a bake time after each wave with health checks, and what a failure rolls back. */
export interface Rollout {
  waves: string[][];
  bakeMs: number;
  /** As written (`${region...}` unsubstituted): what export writes back. */
  checks: RolloutCheck[];
  /** Region -> its checks with `${region}`, `${region.timezone}` and `${region.KEY}` substituted; absent in definitions stored before it. */
  regionChecks?: Record<string, RolloutCheck[]>;
  rollback: RollbackPolicy;
  /** How many regions of a wave deploy at once; absent: all. */
  maxParallel?: number;
  location?: SourceLocation;
}

export type ArtifactStoreKind = 'folder' | 's3';

export interface ArtifactStoreRef {
  kind: ArtifactStoreKind;
  /**
   * Folder path (relative paths are relative to the state dir) or bucket name. A bucket
   * name may be `#{parameters.X}`: it is resolved when the execution starts. Until S3
   * stores exist, an `s3` store is kept in `<state-dir>/stores/<region>`.
   */
  location: string;
}

export interface Region {
  name: string;
  /** IANA time zone, `UTC` when the definition says nothing. */
  timezone: string;
  store: ArtifactStoreRef;
  /** Allow and deny windows, read in `timezone`; absent or empty: always open. */
  windows?: WindowDefinition[];
}

export interface PipelineVariable {
  name: string;
  defaultValue?: string;
  description?: string;
}

export type TemplateParameterType = 'String' | 'Number' | 'CommaDelimitedList' | 'SSM';

/** A CloudFormation template parameter the pipeline refers to. */
export interface TemplateParameter {
  name: string;
  type: TemplateParameterType;
  /** For `SSM`: the parameter-store name (`Default`), read when an execution starts. */
  default?: string;
  /** `NoEcho: true`: the `Default` is a secret (domain/secret-fields.ts); for `SSM` it is a name, not one. */
  noEcho?: true;
  location?: SourceLocation;
}

export type ExecutionMode = 'SUPERSEDED' | 'QUEUED' | 'PARALLEL';

/** A V2 trigger's include/exclude lists (CodePipeline glob rules; excludes win). */
export interface FilterCriteria {
  includes: string[];
  excludes: string[];
}

/** One push filter: tags, branches, or branches + file paths (all given parts must match). */
export interface GitPushFilter {
  branches?: FilterCriteria;
  tags?: FilterCriteria;
  filePaths?: FilterCriteria;
}

/**
 * A V2 trigger (`Triggers[].GitConfiguration`): which pushes to a source action's repository
 * start the pipeline. Several push filters are OR-ed.
 */
export interface PipelineTrigger {
  /** `CodeStarSourceConnection` in a template; `GitHub` in the native format. */
  providerType: string;
  sourceActionName: string;
  push: GitPushFilter[];
  location?: SourceLocation;
}

export type WebhookAuthentication = 'GITHUB_HMAC' | 'IP' | 'UNAUTHENTICATED';

/**
 * A webhook's HMAC secret: written in the definition (plain), or a parameter-store name
 * (`{{resolve:ssm:NAME}}` in a template), or a secret reference `id[:json-key]`
 * (`{{resolve:secretsmanager:ID:SecretString:KEY}}`).
 */
export type WebhookSecret = { kind: 'plain'; value: string } | { kind: 'parameter'; name: string } | { kind: 'secret'; reference: string };

/** One `AWS::CodePipeline::Webhook` filter; `{Key}` in matchEquals is the target action's configuration value. */
export interface WebhookFilter {
  jsonPath: string;
  matchEquals?: string;
}

/**
 * Who may start the pipeline through `POST /webhooks/github/{pipeline}`, and which
 * deliveries start it: an `AWS::CodePipeline::Webhook` resource, or a native source's
 * `webhook:`. Every filter must match.
 */
export interface PipelineWebhook {
  /** The resource's `Name` (or logical id), or the native source's name. */
  name: string;
  authentication: WebhookAuthentication;
  /** GITHUB_HMAC: where the shared secret comes from, read when a delivery arrives. */
  secret?: WebhookSecret;
  /** IP: a CIDR such as 192.0.2.0/24. */
  allowedIpRange?: string;
  filters: WebhookFilter[];
  /** The source action the pushed commit goes to. */
  targetAction: string;
  location?: SourceLocation;
}

/** `PollForSourceChanges: true` or a native `poll:`: `git ls-remote` every interval, an execution per new commit. */
export interface SourcePoll {
  sourceActionName: string;
  intervalSeconds: number;
}

export interface Pipeline {
  name: string;
  /** The region the pipeline itself lives in: actions without a region run here. */
  homeRegion: string;
  regions: Region[];
  stages: Stage[];
  variables: PipelineVariable[];
  parameters: TemplateParameter[];
  executionMode: ExecutionMode;
  /** V2 triggers; empty when the pipeline declares none. */
  triggers: PipelineTrigger[];
  /** Webhooks that may start the pipeline; empty when none is declared. */
  webhooks: PipelineWebhook[];
  /** Source actions polled for new commits. */
  polls: SourcePoll[];
  /** Other resources of the template that providers may read (e.g. `AWS::CodeBuild::Project`), by logical id. */
  resources: Record<string, { type: string; properties: Record<string, ConfigValue> }>;
  /** When region windows apply; absent when the pipeline declares none. */
  windowPolicy?: WindowPolicy;
  /** Waves, bake and rollback (native `rollout:`); absent: every region at once. */
  rollout?: Rollout;
  /** The file the pipeline came from, absolute. */
  file: string;
  format: 'native' | 'codepipeline-template' | 'codepipeline-json';
}

/** Namespaces Meridian fills itself; a user namespace may not take these names. */
export const RESERVED_NAMESPACES = ['codepipeline', 'variables', 'parameters'] as const;

export const DEFAULT_REGION = 'local';
