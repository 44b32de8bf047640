/**
 * The native format (`meridian.yaml`). This zod schema is both the validator and the
 * source of the JSON Schema editors use, so the two cannot drift apart. Semantic checks
 * that need more than one field (regions that exist, artifacts produced earlier...) live
 * in the compiler and the rules.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { AGENT_LABEL, type LaneFailurePolicy, type LaneMode } from '../../domain/pipeline.js';
import { startKeys } from './starts-schema.js';
import { expectedDurationSchema, regionWindowsSchema, rolloutSchema, windowsSchema } from './windows-schema.js';

/** `90s`, `10m`, `1.5h`, `2d`: a native timeout. */
export const DURATION = /^\d+(\.\d+)?(s|m|h|d)$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const nonEmpty = (what: string) => z.string().min(1, { error: `${what} must not be empty` });
const agentLabel = z
  .string()
  .regex(AGENT_LABEL, { error: 'an agent label is 1 to 100 letters, digits, `.`, `_` or `-`, as `meridian agent --labels` takes them' });

export const regionSchema = z
  .strictObject({
    timezone: z.string().optional().describe("IANA time zone (e.g. Europe/Dublin) in which this region's windows are read. Default: UTC."),
    store: z.string().optional().describe('Artifact store: a folder (relative paths are inside the state dir; default stores/<region>), or s3://bucket.'),
    bucket: nonEmpty('`bucket`')
      .optional()
      .describe(
        'A CodePipeline artifact bucket name (may be #{parameters.NAME}); Meridian keeps the artifacts in stores/<region> of the state dir. Not with `store`.',
      ),
    values: z.record(z.string(), z.string()).optional().describe('Values of this region for `${region.KEY}` in a forEach stage, e.g. { code: eu }.'),
    windows: regionWindowsSchema.optional(),
  })
  .describe('A deployment target with its own time zone and artifact store.');

export const variableSchema = z
  .union([scalar, z.strictObject({ default: scalar.optional(), description: z.string().optional() })], {
    error: 'a variable is a default value, or `{ default, description }`',
  })
  .describe('A pipeline variable, referenced as #{variables.NAME}.');

export const parameterSchema = z
  .union(
    [
      z.strictObject({ ssm: nonEmpty('`ssm`').describe('Parameter-store name read when an execution starts, e.g. /Environment/EU/Bucket.') }),
      z.strictObject({
        default: scalar.optional().describe('The value.'),
        type: z.enum(['String', 'Number', 'CommaDelimitedList']).optional().describe('As in a template. Default String.'),
        noEcho: z.literal(true).optional().describe("The default is a secret (a template's NoEcho): the API and the dashboard show it as ****."),
      }),
    ],
    { error: 'a parameter is `{ ssm: /parameter/name }` or `{ default: value }`' },
  )
  .describe('A parameter, referenced as #{parameters.NAME}.');

export const sourceSchema = z
  .strictObject({
    git: nonEmpty('`git`').describe('Repository URL or local path.'),
    branch: z.string().optional().describe("Branch to build (default: the repository's default branch)."),
    ...startKeys,
    namespace: z.string().optional().describe("Namespace for the source's variables (CommitId, BranchName...)."),
  })
  .describe("A git source; becomes an action of the automatic first stage `Source` whose output artifact has the source's name.");

export const envValueSchema = z.union(
  [
    scalar,
    z.strictObject({ parameter: nonEmpty('`parameter`').describe('Parameter-store name.') }),
    z.strictObject({ secret: nonEmpty('`secret`').describe('Secret reference `id[:json-key[:stage]]`.') }),
  ],
  { error: 'an environment variable is a value, `{ parameter: /name }` or `{ secret: id:key }`' },
);

export const actionSchema = z
  .strictObject({
    name: nonEmpty('`name`').describe('Action name; `${region}` is replaced in a forEach stage.'),
    uses: nonEmpty('`uses`').describe('commands, codebuild, cloudformation, approval, git, or Category/Owner/Provider[@version].'),
    with: z.record(z.string(), z.json()).optional().describe('Configuration; friendly keys (stack, mode, template...) map to CodePipeline keys.'),
    inputs: z.array(nonEmpty('an input')).optional().describe('Input artifact names.'),
    outputs: z.array(nonEmpty('an output')).optional().describe('Output artifact names.'),
    runOrder: z.number().optional().describe('1-999; actions with the same runOrder run together. Default 1.'),
    region: z.string().optional().describe('Region to run in (default: the home region). Not allowed in a forEach stage.'),
    namespace: z.string().optional().describe("Namespace for the action's output variables: #{NAMESPACE.VAR}."),
    timeout: z
      .union([z.number().positive(), z.string().regex(DURATION, 'write a duration such as 90s, 10m, 2h or 1d')])
      .optional()
      .describe('Timeout: minutes, or a duration such as 90s, 10m, 2h, 1d.'),
    commands: z.array(z.string()).optional().describe('Shell commands (uses: commands).'),
    outputVariables: z.array(z.string()).optional().describe('Environment variables exported as output variables (uses: commands).'),
    env: z.record(z.string(), envValueSchema).optional().describe('Environment variables (uses: commands).'),
    expectedDuration: expectedDurationSchema.optional(),
    runsOn: z
      .union([agentLabel, z.array(agentLabel).min(1, { error: '`runsOn` lists at least one label' })])
      .optional()
      .describe(
        "Agent labels (`meridian agent --labels`): only an agent of the action's region that has all of them runs it. The in-process agent has none unless given `--agent-labels`.",
      ),
    ...startKeys,
  })
  .describe('One unit of work. `webhook`, `on` and `poll` only apply to a source action of the first stage.');

export const LANE_MODES = ['region', 'stage'] as const satisfies readonly LaneMode[];
export const LANE_FAILURE_POLICIES = ['stop', 'continue'] as const satisfies readonly LaneFailurePolicy[];

export const stageSchema = z
  .strictObject({
    name: nonEmpty('`name`'),
    forEach: z
      .union([z.literal('region'), z.array(nonEmpty('a region name')).min(1)], { error: 'forEach is `region` or a list of region names' })
      .optional()
      .describe('Run every action once per region (all regions, or the ones listed).'),
    lanes: z
      .enum(LANE_MODES)
      .optional()
      .describe(
        "How runOrder orders the stage's actions across regions. `region`: region lanes, each region goes through its own runOrders inside its own windows (an action that names no region is stage-wide: it holds every lane). `stage`: runOrder is stage-wide, as CodePipeline runs it (runOrder 2 starts anywhere only once every runOrder 1 action succeeded). Default: region lanes while deployment windows hold the execution and the stage deploys to two regions or more, stage-wide otherwise. A `rollout:` stage always runs lanes inside its waves.",
      ),
    onLaneFailure: z
      .enum(LANE_FAILURE_POLICIES)
      .optional()
      .describe(
        'In region lanes, what the other lanes do when one fails. `stop` (default): no lane starts another step, running steps finish, steps held for a window are let go, then the stage fails. `continue`: the other lanes go on to their end (stage-wide actions no longer start), then the stage fails. Not with `rollout:`, which stops at the first failure and rolls back by `rollback:`.',
      ),
    actions: z.array(actionSchema).min(1, { error: 'a stage needs at least one action' }),
  })
  .describe('Ordered group of actions.');

const sourcesSchema = z.record(z.string(), sourceSchema);

export const nativeSchema = z
  .strictObject({
    pipeline: nonEmpty('`pipeline`').describe('Pipeline name.'),
    executionMode: z.enum(['SUPERSEDED', 'QUEUED', 'PARALLEL']).optional().describe('How executions share the pipeline. Default SUPERSEDED.'),
    home: z.string().optional().describe('Home region: where actions without a region run. Default: the first region.'),
    regions: z.record(z.string(), regionSchema.nullable()).optional().describe('Regions by name, in rollout order.'),
    variables: z.record(z.string(), variableSchema).optional(),
    parameters: z.record(z.string(), parameterSchema).optional(),
    sources: sourcesSchema.optional().describe('Git sources by name (the output artifact name).'),
    source: sourcesSchema.optional().describe('Same as `sources`.'),
    stages: z.array(stageSchema).min(1, { error: 'a pipeline needs at least one stage' }),
    resources: z
      .record(z.string(), z.strictObject({ Type: nonEmpty('`Type`'), Properties: z.record(z.string(), z.json()).optional() }))
      .optional()
      .describe("CloudFormation resources that actions read, by logical id: an AWS::CodeBuild::Project named by a build's ProjectName."),
    windows: windowsSchema.optional(),
    rollout: rolloutSchema.optional(),
  })
  .describe('A Meridian pipeline (native format).');

export type NativeDefinition = z.infer<typeof nativeSchema>;
export type NativeAction = z.infer<typeof actionSchema>;
export type NativeStage = z.infer<typeof stageSchema>;
export type NativeSource = z.infer<typeof sourceSchema>;

/** The JSON Schema of the native format, for editors (`meridian schema`). */
/** The JSON Schema of an action's `with:` for the `uses:` values that name one type. */
export interface WithSchema {
  uses: readonly string[];
  schema: Record<string, unknown>;
}

/**
 * The JSON Schema of the native format. With `withSchemas` (the providers' configuration,
 * src/cli/with-schemas.ts), each action's `with:` is checked as its `uses:` says, strictly.
 */
export function nativeJsonSchema(withSchemas: readonly WithSchema[] = []): Record<string, unknown> {
  const schema = z.toJSONSchema(nativeSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  if (withSchemas.length > 0) attachWithSchemas(schema, withSchemas);
  return { ...schema, title: 'Meridian pipeline' };
}

/** Adds to every action object (one with `uses` and `with`) an if/then per type. */
function attachWithSchemas(node: unknown, withSchemas: readonly WithSchema[]): void {
  if (Array.isArray(node)) {
    for (const item of node) attachWithSchemas(item, withSchemas);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const object = node as Record<string, unknown>;
  const properties = object.properties as Record<string, unknown> | undefined;
  if (properties && 'uses' in properties && 'with' in properties) {
    object.allOf = withSchemas.map(({ uses, schema }) => ({
      if: { properties: { uses: { enum: [...uses] } }, required: ['uses'] },
      then: { properties: { with: schema } },
    }));
  }
  for (const value of Object.values(object)) attachWithSchemas(value, withSchemas);
}

/** Writes the JSON Schema (default `schema/meridian.schema.json`), creating the folder. */
export async function writeNativeJsonSchema(file = 'schema/meridian.schema.json', withSchemas: readonly WithSchema[] = []): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(nativeJsonSchema(withSchemas), null, 2)}\n`, 'utf8');
  return file;
}
