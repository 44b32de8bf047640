/**
 * A build's environment, in CodeBuild's order of precedence: what the host gives (with
 * `meridian` first on PATH), then the buildspec's `env` (variables, parameter-store,
 * secrets-manager), then the project's variables, then the action's (CodePipeline's
 * override) [CB-SPEC]. CodeBuild's own CODEBUILD_* variables come last: nobody may set
 * them. Buildspec values are literal (`$PATH:/x` is not expanded).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatProblem, MeridianError } from '../../domain/errors.js';
import type { EnvironmentVariable } from '../../domain/pipeline.js';
import { maskSecret, resolveVariable, toolEnvironment } from '../commands/environment.js';
import type { ActionContext } from '../provider.js';
import type { Buildspec } from './buildspec.js';
import { PhaseError } from './build-log.js';

export interface BuildIdentity {
  projectName: string;
  buildId: string;
  buildNumber: number;
  startTime: number;
  arn: string;
}

const ACCOUNT_ID = '000000000000';

/** `CODEBUILD_BUILD_NUMBER` counts builds per project and region, in a file kept across executions. */
export async function newBuildIdentity(ctx: ActionContext, projectName: string, now: Date): Promise<BuildIdentity> {
  const dir = await ctx.cacheDir(`codebuild-${projectName}`);
  const file = join(dir, 'build-number');
  const last = Number(await readFile(file, 'utf8').catch(() => '0'));
  const buildNumber = (Number.isSafeInteger(last) ? last : 0) + 1;
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${randomUUID()}`;
  await writeFile(temp, String(buildNumber));
  await rename(temp, file);
  const buildId = `${projectName}:${randomUUID()}`;
  return { projectName, buildId, buildNumber, startTime: now.getTime(), arn: `arn:aws:codebuild:${ctx.action.region}:${ACCOUNT_ID}:build/${buildId}` };
}

/** What CodeBuild itself sets [CB-ENV], with a meaning on this host. */
export function builtInVariables(
  ctx: ActionContext,
  primaryDir: string,
  primary: string,
  identity: BuildIdentity,
  image: string | undefined,
): Record<string, string> {
  const region = ctx.action.region;
  const vars: Record<string, string> = {
    CODEBUILD_SRC_DIR: primaryDir,
    CODEBUILD_BUILD_ID: identity.buildId,
    CODEBUILD_BUILD_ARN: identity.arn,
    CODEBUILD_BUILD_NUMBER: String(identity.buildNumber),
    CODEBUILD_BUILD_SUCCEEDING: '1',
    CODEBUILD_INITIATOR: `codepipeline/${ctx.pipelineName}`,
    CODEBUILD_START_TIME: String(identity.startTime),
    CODEBUILD_PROJECT_ARN: `arn:aws:codebuild:${region}:${ACCOUNT_ID}:project/${identity.projectName}`,
  };
  if (image !== undefined) vars.CODEBUILD_BUILD_IMAGE = image;
  const revision = ctx.inputRevisions.get(primary);
  if (revision !== undefined) {
    vars.CODEBUILD_RESOLVED_SOURCE_VERSION = revision;
    vars.CODEBUILD_SOURCE_VERSION = revision;
  }
  for (const [name, folder] of ctx.inputs) {
    if (name === primary) continue;
    vars[`CODEBUILD_SRC_DIR_${name}`] = folder;
    const secondary = ctx.inputRevisions.get(name);
    if (secondary !== undefined) vars[`CODEBUILD_SOURCE_VERSION_${name}`] = secondary;
  }
  return vars;
}

export function hostEnvironment(ctx: ActionContext): NodeJS.ProcessEnv {
  return {
    ...toolEnvironment(ctx),
    MERIDIAN_EXECUTION_ID: ctx.executionId,
    MERIDIAN_REGION: ctx.action.region,
    AWS_REGION: ctx.action.region,
    AWS_DEFAULT_REGION: ctx.action.region,
  };
}

/** Project and action variables, resolved in PROVISIONING as CodeBuild does. Later entries win. */
export async function resolveProjectVariables(
  ctx: ActionContext,
  variables: readonly EnvironmentVariable[],
  secretNames: Set<string>,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const variable of variables) {
    if (variable.name.startsWith('CODEBUILD_'))
      throw new PhaseError('CLIENT_ERROR', `environment variable ${variable.name}: names starting with CODEBUILD_ are reserved; rename it`);
    try {
      out[variable.name] = await resolveVariable(ctx, variable);
    } catch (error) {
      throw new PhaseError('Decrypted Variables Error', error instanceof Error ? error.message : String(error));
    }
    if (variable.type !== 'PLAINTEXT') secretNames.add(variable.name);
    else secretNames.delete(variable.name);
  }
  return out;
}

/** The buildspec's `env`, resolved in DOWNLOAD_SOURCE once the buildspec is read. */
export async function resolveBuildspecVariables(ctx: ActionContext, buildspec: Buildspec, secretNames: Set<string>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { name, value } of buildspec.env.variables) out[name] = value;
  for (const { name, value, at } of buildspec.env.parameterStore) {
    try {
      const parameter = await ctx.parameters.get(value);
      if (parameter.type === 'SecureString') maskSecret(ctx, parameter.value);
      out[name] = parameter.value;
      secretNames.add(name);
    } catch (error) {
      throw new PhaseError(
        'Decrypted Variables Error',
        located(at, `parameter-store ${name}: ${message(error)}`, `create it with \`meridian params put ${value} VALUE\`, or fix the name`),
      );
    }
  }
  for (const { name, value, at } of buildspec.env.secretsManager) {
    try {
      const secret = await ctx.secrets.get(value);
      maskSecret(ctx, secret);
      out[name] = secret;
      secretNames.add(name);
    } catch (error) {
      throw new PhaseError(
        'Decrypted Variables Error',
        located(
          at,
          `secrets-manager ${name}: ${message(error)}`,
          'store the secret in Meridian, or fix the reference (secret-id:json-key:version-stage:version-id)',
        ),
      );
    }
  }
  return out;
}

function located(at: { file: string; line: number; col: number }, text: string, hint: string): string {
  return formatProblem({ location: at, message: text, hint }).replace('\n  ', '; ');
}

function message(error: unknown): string {
  if (error instanceof MeridianError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
