/**
 * `Deploy/Meridian/Release`: puts an artifact on a target (a local folder or a host over
 * SSH) as `releases/<id>/` and switches the `current` symlink to it. `mode: prepare` only
 * uploads, `activate` only switches (to the release this execution prepared), `deploy`
 * does both; every mode is idempotent for a release id.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import type { Action } from '../../domain/pipeline.js';
import { configString } from '../config.js';
import type { ActionContext, ActionResult, ConfigProblem, Provider } from '../provider.js';
import { parseReleaseConfig, type ReleaseConfig } from './config.js';
import { activateRelease, prepareRelease, releaseToActivate, type Step } from './layout.js';
import { makeLocalTarget } from './local-target.js';
import { makeSshTarget } from './ssh-target.js';
import type { ReleaseTarget } from './target.js';
import { RELEASE_SCHEMA } from './schema.js';

export const releaseProvider: Provider = {
  types: ['Deploy/Meridian/Release'],
  configuration: { 'Deploy/Meridian/Release': RELEASE_SCHEMA },
  outputVariables: (action) => (action.configuration.url === undefined ? ['ReleaseId'] : ['ReleaseId', 'Url']),
  capabilities: { idempotent: true, cancellable: true },
  validate,
  run,
};

function validate(action: Action): ConfigProblem[] {
  return parseReleaseConfig(action).problems;
}

async function run(ctx: ActionContext): Promise<ActionResult> {
  const parsed = parseReleaseConfig(ctx.action);
  if (!parsed.config) {
    const text = parsed.problems.map((problem) => problem.message).join('; ');
    throw new MeridianError('ACTION_FAILED', `${ctx.action.name}: ${text}`, { fault: 'user' });
  }
  const config = parsed.config;
  const target = makeTarget(config, ctx, configuredTarget(ctx.action));
  if (config.target.kind === 'ssh' && !config.strictHostKeyChecking) {
    ctx.log.write(`Warning: strictHostKeyChecking is false, so the host key of ${config.target.host} is not checked\n`);
  }
  try {
    return await release({ ctx, config, target }, config.releaseId ?? ctx.executionId);
  } finally {
    await target.close?.();
  }
}

async function release(step: Step, id: string): Promise<ActionResult> {
  const { ctx, config, target } = step;
  switch (config.mode) {
    case 'prepare':
      await prepareRelease(step, id, await artifactFolder(ctx, config));
      return { summary: `prepared release ${id} on ${target.description}`, outputVariables: { ReleaseId: id } };
    case 'deploy': {
      await prepareRelease(step, id, await artifactFolder(ctx, config));
      return released(config, id, await activateRelease(step, id));
    }
    case 'activate': {
      const chosen = await releaseToActivate(step);
      return released(config, chosen, await activateRelease(step, chosen));
    }
  }
}

/** A live release: its id, and where it answers when the action says so. */
function released(config: ReleaseConfig, id: string, summary: string): ActionResult {
  if (config.url === undefined) return { summary, outputVariables: { ReleaseId: id } };
  return { summary: `${summary}; answering at ${config.url}`, outputVariables: { ReleaseId: id, Url: config.url } };
}

function configuredTarget(action: Action): string {
  return configString(action, 'target') ?? '';
}

function makeTarget(config: ReleaseConfig, ctx: ActionContext, description: string): ReleaseTarget {
  const location = config.target;
  const region = ctx.action.region;
  // A relative local target is a folder inside the state dir, e.g. deploy/eu-west-1.
  if (location.kind === 'local') return makeLocalTarget(resolve(ctx.stateDir, location.root), region);
  return makeSshTarget({ ...location, description, region, config, signal: ctx.signal });
}

async function artifactFolder(ctx: ActionContext, config: ReleaseConfig): Promise<string> {
  const name = config.artifact ?? [...ctx.inputs.keys()][0];
  const folder = name === undefined ? undefined : ctx.inputs.get(name);
  if (name === undefined || folder === undefined) {
    const known = [...ctx.inputs.keys()].join(', ') || 'none';
    throw new MeridianError(
      'ACTION_FAILED',
      `${ctx.action.region}: ${ctx.action.name} needs an input artifact to release (${config.artifact ?? 'none given'}; inputs: ${known}); add it to InputArtifacts or set artifact`,
      { fault: 'user' },
    );
  }
  const source = config.path === undefined ? folder : join(folder, config.path);
  const info = await stat(source).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new MeridianError('ARTIFACT', `${ctx.action.region}: ${config.path ?? '.'} is not a folder in artifact ${name}; check path`, { fault: 'user' });
  }
  return source;
}
