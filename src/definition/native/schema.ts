/**
 * The native format (`meridian.yaml`). This zod schema is both the validator and the
 * source of the JSON Schema editors use, so the two cannot drift apart. Semantic checks
 * that need more than one field (regions that exist, artifacts produced earlier...) live
 * in the compiler and the rules.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { expectedDurationSchema, regionWindowsSchema, rolloutSchema, windowsSchema } from './windows-schema.js';

/** `90s`, `10m`, `1.5h`, `2d`: a native timeout. */
export const DURATION = /^\d+(\.\d+)?(s|m|h|d)$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const nonEmpty = (what: string) => z.string().min(1, { error: `${what} must not be empty` });

export const regionSchema = z
  .strictObject({
    timezone: z.string().optional().describe('IANA time zone (e.g. Europe/Dublin) in which this region\'s windows are read. Default: UTC.'),
    store: z
      .string()
      .optional()
      .describe('Artifact store: a folder (relative paths are inside the state dir; default stores/<region>), or s3://bucket.'),
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
      z.strictObject({ default: scalar.describe('The value.') }),
    ],
    { error: 'a parameter is `{ ssm: /parameter/name }` or `{ default: value }`' },
  )
  .describe('A parameter, referenced as #{parameters.NAME}.');

/** `60s`, `5m`, `1h`: a poll interval. */
export const POLL_INTERVAL = /^\d+(s|m|h)$/;

const patterns = z.array(z.string()).describe('Glob patterns (CodePipeline\'s rules: `*` stays within a path segment, `**` crosses them); 1-8 of 1-255 characters.');
const filterCriteriaSchema = z
  .union([patterns, z.strictObject({ includes: patterns.optional(), excludes: patterns.optional() })], {
    error: 'write a list of patterns, or `{ includes: [...], excludes: [...] }`',
  })
  .describe('A list of patterns to include, or `{ includes, excludes }` (excludes win).');

export const pushFilterSchema = z
  .strictObject({
    branches: filterCriteriaSchema.optional().describe('Branch name patterns, e.g. [main, "release/**"].'),
    tags: filterCriteriaSchema.optional().describe('Tag patterns, e.g. ["v*"]. Not combined with branches or paths.'),
    paths: filterCriteriaSchema.optional().describe('Changed file patterns; needs `branches` in the same filter.'),
  })
  .describe('A V2 push filter: tags, branches, or branches with paths.');

export const webhookSecretSchema = z
  .union(
    [
      nonEmpty('`secret`'),
      z.strictObject({ parameter: nonEmpty('`parameter`').describe('Parameter-store name holding the secret.') }),
      z.strictObject({ secret: nonEmpty('`secret`').describe('Secret reference `id[:json-key]`.') }),
    ],
    { error: 'a webhook secret is `{ parameter: /name }`, `{ secret: id:key }` or the secret itself' },
  )
  .describe('The HMAC secret GitHub signs deliveries with (X-Hub-Signature-256).');

export const webhookSchema = z
  .union(
    [
      z.boolean(),
      z.strictObject({
        secret: webhookSecretSchema.optional(),
        allowedIpRange: nonEmpty('`allowedIpRange`').optional().describe('Accept deliveries from this CIDR range only (no signature).'),
        unauthenticated: z.boolean().optional().describe('Accept every delivery, signed or not.'),
        filters: z
          .array(z.strictObject({ jsonPath: z.string().describe('JSONPath into the delivery, e.g. $.ref.'), matchEquals: z.string().optional().describe('Value it must equal; `{Branch}` is the source\'s branch.') }))
          .optional()
          .describe('Every filter must match (default with `branch:`: $.ref equals refs/heads/{Branch}).'),
        name: z.string().optional().describe('Webhook name (default: the source\'s name).'),
      }),
    ],
    { error: 'a webhook is `{ secret: ... }`, `{ allowedIpRange: CIDR }` or `{ unauthenticated: true }`' },
  )
  .describe('Start an execution on a GitHub push delivered to POST /webhooks/github/<pipeline>.');

export const sourceSchema = z
  .strictObject({
    git: nonEmpty('`git`').describe('Repository URL or local path.'),
    branch: z.string().optional().describe('Branch to build (default: the repository\'s default branch).'),
    webhook: webhookSchema.optional(),
    on: z.array(pushFilterSchema).optional().describe('Push filters (1-3, OR-ed) deciding which webhook deliveries start the pipeline, as V2 triggers.'),
    poll: z
      .union([z.boolean(), z.number(), z.string().regex(POLL_INTERVAL, 'write an interval such as 60s, 5m or 1h')])
      .optional()
      .describe('Poll the repository (git ls-remote) every interval and start an execution per new commit: 60s, 5m, 1h, a number of seconds, or true (60s).'),
    namespace: z.string().optional().describe('Namespace for the source\'s variables (CommitId, BranchName...).'),
  })
  .describe('A git source; becomes an action of the automatic first stage `Source` whose output artifact has the source\'s name.');

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
    namespace: z.string().optional().describe('Namespace for the action\'s output variables: #{NAMESPACE.VAR}.'),
    timeout: z
      .union([z.number().positive(), z.string().regex(DURATION, 'write a duration such as 90s, 10m, 2h or 1d')])
      .optional()
      .describe('Timeout: minutes, or a duration such as 90s, 10m, 2h, 1d.'),
    commands: z.array(z.string()).optional().describe('Shell commands (uses: commands).'),
    outputVariables: z.array(z.string()).optional().describe('Environment variables exported as output variables (uses: commands).'),
    env: z.record(z.string(), envValueSchema).optional().describe('Environment variables (uses: commands).'),
    expectedDuration: expectedDurationSchema.optional(),
  })
  .describe('One unit of work.');

export const stageSchema = z
  .strictObject({
    name: nonEmpty('`name`'),
    forEach: z
      .union([z.literal('region'), z.array(nonEmpty('a region name')).min(1)], { error: 'forEach is `region` or a list of region names' })
      .optional()
      .describe('Run every action once per region (all regions, or the ones listed).'),
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
    windows: windowsSchema.optional(),
    rollout: rolloutSchema.optional(),
  })
  .describe('A Meridian pipeline (native format).');

export type NativeDefinition = z.infer<typeof nativeSchema>;
export type NativeAction = z.infer<typeof actionSchema>;
export type NativeStage = z.infer<typeof stageSchema>;
export type NativeSource = z.infer<typeof sourceSchema>;

/** The JSON Schema of the native format, for editors (`meridian schema`). */
export function nativeJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(nativeSchema, { io: 'input', target: 'draft-2020-12' });
  return { ...schema, title: 'Meridian pipeline' };
}

/** Writes the JSON Schema (default `schema/meridian.schema.json`), creating the folder. */
export async function writeNativeJsonSchema(file = 'schema/meridian.schema.json'): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(nativeJsonSchema(), null, 2)}\n`, 'utf8');
  return file;
}
