/**
 * The seam between Meridian and the code that runs one kind of action. A provider never
 * touches the state store: the agent gives it an ActionContext (inputs unpacked, a folder
 * per output, a log, the parameter and secret readers) and turns its result or error into
 * the job's outcome. Register providers with `ProviderRegistry.register`, the same way a
 * third-party provider would.
 */
import type { Action, Pipeline } from '../domain/pipeline.js';
import type { TestReport } from '../domain/test-report.js';
import type { ConfigSchema } from './config-schema.js';

export interface ProviderCapabilities {
  /** Safe to run again after the process running it died mid-way. */
  idempotent: boolean;
  /** Stops promptly when its AbortSignal fires. */
  cancellable: boolean;
}

export type { ApprovalOutcome, LogSink, ParameterReader, ParameterValue, SecretReader } from '../domain/jobs/host-services.js';
import type { ApprovalOutcome, LogSink, ParameterReader, SecretReader } from '../domain/jobs/host-services.js';

export interface ActionContext {
  executionId: string;
  pipelineName: string;
  /** The action with every `#{...}` reference in its configuration already resolved. */
  action: Action;
  attempt: number;
  /** A fresh, empty folder for this attempt; input folders live under it. */
  workDir: string;
  /** Input artifact name -> folder holding its unpacked content, in declaration order. */
  inputs: Map<string, string>;
  /** Input artifact name -> the source revision (commit id) it was built from, when known. */
  inputRevisions: Map<string, string>;
  /** The template's other resources by logical id (e.g. the `AWS::CodeBuild::Project` named by `ProjectName`). */
  resources: Pipeline['resources'];
  /** Region name -> artifact store folder of this execution (what `meridian package --region` writes to). */
  artifactStores: Record<string, string>;
  /** The state dir of this Meridian: tools started by the action (e.g. `meridian package`) use it. */
  stateDir: string;
  /** A folder holding a `meridian` executable: put it first on PATH of the commands an action runs. */
  toolPath: string;
  /** A folder kept across executions for one cache key of this action's region (created on demand). */
  cacheDir(key: string): Promise<string>;
  /**
   * A private folder (0700) for the attempt's scripts and the files they write back, outside
   * workDir; removed when the attempt ends, and by `resume` when Meridian was killed mid-way.
   */
  scratchDir(): Promise<string>;
  /** Creates (once) and returns the folder whose content becomes output artifact `name`. */
  outputDir(name: string): Promise<string>;
  log: LogSink;
  /** Adds a value that must never appear in logs or summaries. */
  mask(value: string): void;
  parameters: ParameterReader;
  secrets: SecretReader;
  /** Set by `--source NAME=PATH_OR_URL[#BRANCH]` or a trigger for this source action. */
  sourceOverride?: { location: string; branch?: string; revision?: string };
  /** Fires on timeout, stop-and-abandon, or shutdown. */
  signal: AbortSignal;
  /** Marks the action Waiting with a reason a person can read. */
  setWaiting(reason: string): Promise<void>;
  /** Resolves when someone approves or rejects this action (polls the state store). */
  awaitApproval(): Promise<ApprovalOutcome>;
}

export interface ActionResult {
  /** Output variables, visible to later actions through the action's namespace. */
  outputVariables?: Record<string, string>;
  /** One line for the summary, e.g. the commit a source action fetched. */
  summary?: string;
  /** Test reports the action produced (CodeBuild `reports:`). */
  reports?: TestReport[];
}

/** A problem with an action's configuration found at validation time. */
export interface ConfigProblem {
  /** The configuration key, e.g. `Branch`; empty for the action as a whole. */
  field: string;
  message: string;
  hint?: string;
  /** For an unknown key: the key as written and the keys known at its level, to suggest in the format's own spelling. */
  unknownKey?: { written: string; known: readonly string[] };
}

export interface Provider {
  /** Action type keys this provider runs, e.g. `Compute/AWS/Commands`. */
  readonly types: readonly string[];
  readonly capabilities: ProviderCapabilities;
  /**
   * The configuration each of its types accepts (config-schema.ts), by type key: checked
   * strictly before anything runs, and the source of `meridian schema` and docs/reference/.
   * A type without one takes any configuration.
   */
  readonly configuration?: Readonly<Record<string, ConfigSchema>>;
  /**
   * The names of the output variables an action of this provider sets, when they are known
   * before it runs (a source's CommitId...; a Commands action's declared `outputVariables`);
   * undefined when only the run can tell (a build's `exported-variables`, a stack's outputs).
   * `#{Namespace.Name}` of another name is refused at validation, with the nearest name.
   */
  outputVariables?(action: Action): readonly string[] | undefined;
  /** Checks the configuration before anything runs, beyond what its schema says. */
  validate?(action: Action): ConfigProblem[];
  /** Does the work. Throws a MeridianError (ACTION_FAILED, TIMEOUT, ...) to fail the action. */
  run(ctx: ActionContext): Promise<ActionResult>;
}
