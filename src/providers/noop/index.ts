/**
 * `Compute/Meridian/Noop`: does nothing, optionally slowly or unsuccessfully. For tests and
 * benchmarks of the engine. Each declared output is an empty folder.
 */
import { MeridianError } from '../../domain/errors.js';
import type { Action } from '../../domain/pipeline.js';
import { sleep } from '../abort.js';
import { configString } from '../config.js';
import type { ActionContext, ActionResult, ConfigProblem, Provider } from '../provider.js';
import { NOOP_SCHEMA } from './schema.js';

export const noopProvider: Provider = {
  types: ['Compute/Meridian/Noop'],
  configuration: { 'Compute/Meridian/Noop': NOOP_SCHEMA },
  outputVariables: () => [],
  capabilities: { idempotent: true, cancellable: true },
  validate,
  run,
};

function sleepMs(action: Action): number | undefined {
  const text = configString(action, 'sleepMs');
  return text === undefined ? 0 : /^\d+$/.test(text) ? Number(text) : undefined;
}

function validate(action: Action): ConfigProblem[] {
  if (sleepMs(action) !== undefined) return [];
  return [{ field: 'sleepMs', message: 'sleepMs must be a whole number of milliseconds', hint: 'e.g. sleepMs: 250' }];
}

async function run(ctx: ActionContext): Promise<ActionResult> {
  const ms = sleepMs(ctx.action) ?? 0;
  if (ms > 0) await sleep(ms, ctx.signal);
  const failure = configString(ctx.action, 'fail');
  if (failure !== undefined) throw new MeridianError('ACTION_FAILED', failure);
  for (const name of ctx.action.outputArtifacts) await ctx.outputDir(name);
  return { summary: ms > 0 ? `did nothing for ${ms} ms` : 'did nothing' };
}
