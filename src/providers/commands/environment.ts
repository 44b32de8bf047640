/**
 * The environment of a Commands action: what Meridian inherits, the `meridian` tool first
 * on PATH with the state dir and artifact stores it needs, the CodeBuild-style source
 * folders, the region, then the action's EnvironmentVariables. Values read from the
 * parameter store (SecureString) or Secrets Manager are masked before the shell starts.
 */
import { delimiter } from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import type { EnvironmentVariable } from '../../domain/pipeline.js';
import { inheritedEnvironment } from '../inherited-environment.js';
import type { ActionContext } from '../provider.js';

export async function commandsEnvironment(ctx: ActionContext, primaryDir: string): Promise<NodeJS.ProcessEnv> {
  const { action } = ctx;
  const env: NodeJS.ProcessEnv = {
    ...toolEnvironment(ctx),
    CODEBUILD_SRC_DIR: primaryDir,
    MERIDIAN_EXECUTION_ID: ctx.executionId,
    MERIDIAN_REGION: action.region,
    AWS_REGION: action.region,
    AWS_DEFAULT_REGION: action.region,
  };
  for (const [name, folder] of [...ctx.inputs].slice(1)) env[`CODEBUILD_SRC_DIR_${name}`] = folder;
  for (const variable of action.environmentVariables ?? []) env[variable.name] = await resolveVariable(ctx, variable);
  return env;
}

/**
 * The inherited environment with `meridian` first on PATH, and what `meridian package`
 * run by a build needs to find this Meridian's state and the execution's artifact stores.
 * (inheritedEnvironment drops the parent's MERIDIAN_* variables; these are set on purpose.)
 */
export function toolEnvironment(ctx: ActionContext): NodeJS.ProcessEnv {
  const inherited = inheritedEnvironment();
  return {
    ...inherited,
    PATH: inherited.PATH ? `${ctx.toolPath}${delimiter}${inherited.PATH}` : ctx.toolPath,
    MERIDIAN_STATE_DIR: ctx.stateDir,
    MERIDIAN_ARTIFACT_STORES: JSON.stringify(ctx.artifactStores),
  };
}

/** The value of one variable; SecureString parameters and secrets are masked. */
export async function resolveVariable(ctx: ActionContext, variable: EnvironmentVariable): Promise<string> {
  try {
    switch (variable.type) {
      case 'PLAINTEXT':
        return variable.value;
      case 'PARAMETER_STORE': {
        const parameter = await ctx.parameters.get(variable.value);
        if (parameter.type === 'SecureString') maskSecret(ctx, parameter.value);
        return parameter.value;
      }
      case 'SECRETS_MANAGER': {
        const secret = await ctx.secrets.get(variable.value);
        maskSecret(ctx, secret);
        return secret;
      }
      default:
        throw new MeridianError('INTERNAL', `unknown environment variable type ${String(variable.type satisfies never)}`);
    }
  } catch (error) {
    if (error instanceof MeridianError && error.code === 'NOT_FOUND') {
      const put = variable.type === 'PARAMETER_STORE' ? `; create it with \`meridian params put ${variable.value} VALUE\`` : '';
      throw new MeridianError('ACTION_FAILED', `environment variable ${variable.name}: ${error.message}${put}`, { cause: error });
    }
    throw error;
  }
}

/** The agent masks line by line, so each line of a multi-line secret (a PEM key) is masked too. */
export function maskSecret(ctx: ActionContext, value: string): void {
  if (value === '') return;
  ctx.mask(value);
  const lines = value.split(/\r?\n/).filter((line) => line.trim().length >= 4);
  if (lines.length > 1) for (const line of lines) ctx.mask(line);
}
