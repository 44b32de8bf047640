/**
 * What an execution fixes when it starts: template parameters read from the parameter store
 * (SSM-typed ones), pipeline variables with their overrides, source overrides, and the folder
 * of each region's artifact store.
 */
import type { ActionError } from '../domain/execution.js';
import { MeridianError } from '../domain/errors.js';
import type { Pipeline } from '../domain/pipeline.js';
import { coerceError } from '../lib/coerce-error.js';
import type { ParameterReader } from '../domain/jobs/host-services.js';
import { storeLocations } from '../stores/artifacts/store-locations.js';
import type { ExecutionContext, SourceOverride } from '../domain/records.js';

export interface StartRequest {
  stateDir: string;
  parameters: ParameterReader;
  variables?: Record<string, string>;
  sourceOverrides?: Record<string, SourceOverride>;
  disruptive?: boolean;
}

/** Returns the context, and the error that keeps the execution from starting, if any. */
export async function buildExecutionContext(pipeline: Pipeline, request: StartRequest): Promise<{ context: ExecutionContext; error: ActionError | null }> {
  const context: ExecutionContext = {
    parameters: {},
    variables: {},
    sourceOverrides: request.sourceOverrides ?? {},
    stores: {},
    ...(request.disruptive === true ? { disruptive: true } : {}),
  };
  let error: ActionError | null = null;
  for (const parameter of pipeline.parameters) {
    if (parameter.type !== 'SSM') {
      context.parameters[parameter.name] = parameter.default ?? '';
      continue;
    }
    const name = parameter.default ?? '';
    try {
      const read = await request.parameters.get(name);
      if (read.type === 'SecureString') context.secureParameters = { ...context.secureParameters, [parameter.name]: name };
      else context.parameters[parameter.name] = read.value;
    } catch (thrown) {
      const cause = coerceError(thrown);
      error ??= {
        code: cause.code,
        message:
          cause.code === 'NOT_FOUND'
            ? `template parameter ${parameter.name} reads SSM parameter ${name}, which does not exist; create it with \`meridian params put ${name} VALUE\``
            : `template parameter ${parameter.name} could not be read from ${name}: ${cause.message}`,
      };
    }
  }
  for (const variable of pipeline.variables) {
    if (variable.defaultValue !== undefined) context.variables[variable.name] = variable.defaultValue;
  }
  for (const [name, value] of Object.entries(request.variables ?? {})) {
    if (!pipeline.variables.some((v) => v.name === name)) {
      const known = pipeline.variables.map((v) => v.name).join(', ') || 'none';
      throw new MeridianError('BAD_INPUT', `pipeline ${pipeline.name} has no variable ${name}; its variables: ${known}`);
    }
    // StartPipelineExecution: a variable's value is "anything except an empty string" (docs/aws-behaviour.md §1.13).
    if (value === '') {
      throw new MeridianError(
        'BAD_INPUT',
        `pipeline variable ${name} is given an empty value, which CodePipeline refuses; pass --variable ${name}=VALUE, or leave it out to use its default`,
      );
    }
    context.variables[name] = value;
  }
  for (const variable of pipeline.variables) {
    if (context.variables[variable.name] === undefined) {
      throw new MeridianError('BAD_INPUT', `pipeline variable ${variable.name} has no default; pass --variable ${variable.name}=VALUE`);
    }
  }
  context.stores = storeLocations(pipeline, request.stateDir);
  return { context, error };
}
