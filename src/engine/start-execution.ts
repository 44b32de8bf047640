/**
 * Starting an execution the same way from every door (the CLI's `run`, the API, a webhook, a
 * poll): fix its context (parameters, variables, source overrides), then create it — or,
 * when the context cannot be built (a missing SSM parameter), record it as Failed at once
 * so the reason is visible in its history.
 */
import type { Trigger } from '../domain/execution.js';
import type { Pipeline } from '../domain/pipeline.js';
import type { ParameterReader } from '../domain/jobs/host-services.js';
import type { SourceOverride } from '../domain/records.js';
import type { Db } from '../stores/state/state-store.js';
import type { Engine } from './engine.js';
import { buildExecutionContext } from './execution-context.js';

export interface StartExecution {
  trigger: Trigger;
  stateDir: string;
  parameters: ParameterReader;
  variables?: Record<string, string>;
  sourceOverrides?: Record<string, SourceOverride>;
  /** Windows apply to it under `policy: disruptive-only`. */
  disruptive?: boolean;
  /** Written in the transaction that creates the execution. */
  alsoInTransaction?: (tx: Db, executionId: string) => Promise<void>;
}

export async function startExecution(engine: Engine, pipeline: Pipeline, request: StartExecution): Promise<string> {
  const { context, error } = await buildExecutionContext(pipeline, {
    stateDir: request.stateDir,
    parameters: request.parameters,
    variables: request.variables ?? {},
    sourceOverrides: request.sourceOverrides ?? {},
    disruptive: request.disruptive === true,
  });
  return error
    ? engine.startFailed(pipeline, request.trigger, context, error, request.alsoInTransaction)
    : engine.start(pipeline, request.trigger, context, request.alsoInTransaction);
}
