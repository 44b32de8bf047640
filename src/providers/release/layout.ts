/**
 * The release layout on a target: `releases/<id>/`, a `current` symlink, `shared/`, and
 * `.prepared/<execution-id>` naming the release a prepare left for the activate of the same
 * execution. A release only ever appears under its final name complete (it is uploaded to
 * `<id>.partial` and renamed), and `current` only ever points at a complete release.
 */
import { MeridianError } from '../../domain/errors.js';
import type { ActionContext } from '../provider.js';
import type { ReleaseConfig } from './config.js';
import { runHealthCheck } from './health-check.js';
import type { ReleaseTarget } from './target.js';

export const RELEASES = 'releases';
export const CURRENT = 'current';
const PREPARED = '.prepared';
/** How long the rollback after a stop may run its activate hook. */
const ROLLBACK_GRACE_MS = 60_000;

export interface Step {
  ctx: ActionContext;
  config: ReleaseConfig;
  target: ReleaseTarget;
}

/** Uploads `source` as release `id` unless it is already there. Never touches `current`. */
export async function prepareRelease({ ctx, config, target }: Step, id: string, source: string): Promise<void> {
  // The time includes connecting: over SSH, the first operation below makes the connection.
  const started = performance.now();
  const final = `${RELEASES}/${id}`;
  if (await target.exists(final)) {
    ctx.log.write(`Release ${id} is already prepared on ${target.description}\n`);
  } else {
    const partial = `${final}.partial`;
    ctx.log.write(`Uploading ${source} to ${target.description}/${partial}\n`);
    try {
      await target.upload(source, partial, ctx.signal);
      await linkShared(target, partial, config.shared);
      await target.rename(partial, final);
    } catch (error) {
      // Best effort: a leftover .partial is removed by the next prepare anyway.
      await target.remove(partial).catch(() => undefined);
      throw error;
    }
    ctx.log.write(`Prepared release ${id} at ${target.description}/${final} in ${Math.round(performance.now() - started)} ms\n`);
  }
  await target.writeText(`${PREPARED}/${ctx.executionId}`, id);
}

async function linkShared(target: ReleaseTarget, release: string, shared: readonly string[]): Promise<void> {
  for (const path of shared) {
    // A shared path that does not exist yet starts as an empty folder.
    if (!(await target.exists(`shared/${path}`))) await target.makeDir(`shared/${path}`);
    await target.remove(`${release}/${path}`);
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    if (parent !== '') await target.makeDir(`${release}/${parent}`);
    await target.pointLink(`${release}/${path}`, `${target.root}/shared/${path}`);
  }
}

/** The release activate works on: the configured id, else the one this execution prepared. */
export async function releaseToActivate({ ctx, config, target }: Step): Promise<string> {
  if (config.releaseId !== undefined) return config.releaseId;
  return (await target.readText(`${PREPARED}/${ctx.executionId}`))?.trim() || ctx.executionId;
}

export async function currentRelease(target: ReleaseTarget): Promise<string | undefined> {
  const link = await target.readLink(CURRENT);
  return link === undefined ? undefined : link.replace(/\/+$/, '').split('/').pop();
}

/**
 * Switches `current` to `id`, runs the hooks and the health check. On a failed hook or
 * health check, `current` goes back to the previous release (whose `activate` hook runs
 * again); with no previous release `current` is removed, so nothing half-works.
 */
export async function activateRelease(step: Step, id: string): Promise<string> {
  const { ctx, target } = step;
  const final = `${RELEASES}/${id}`;
  if (!(await target.exists(final))) {
    throw new MeridianError(
      'ACTION_FAILED',
      `${ctx.action.region}: release ${id} is not prepared on ${target.description}; run a prepare action of this execution first`,
    );
  }
  const previous = await currentRelease(target);
  if (previous === id) {
    // Idempotent: nothing switches and no hook runs again; the health check still confirms it.
    ctx.log.write(`Release ${id} is already current on ${target.description}\n`);
    await check(step, id, undefined);
    return `release ${id} is already current on ${target.description}`;
  }
  try {
    await hook(step, 'beforeActivate', id, previous);
  } catch (error) {
    await target.remove(`${PREPARED}/${ctx.executionId}`);
    throw error;
  }
  await target.touch(final);
  await target.pointLink(CURRENT, final);
  ctx.log.write(`Switched current to ${id}${previous === undefined ? '' : ` (was ${previous})`}\n`);
  try {
    await hook(step, 'activate', id, previous);
    await hook(step, 'afterActivate', id, previous);
    await check(step, id, previous);
  } catch (error) {
    if (!ctx.signal.aborted) throw await rollBack(step, id, previous, error, ctx.signal);
    // Stopped (abandon, timeout, shutdown) after the switch: the region goes back to what
    // was live before, within a grace period of its own, and the action ends as stopped.
    ctx.log.write(`Stopped after switching to ${id}; going back to ${previous ?? 'no release'}\n`);
    const outcome = await rollBack(step, id, previous, error, AbortSignal.timeout(ROLLBACK_GRACE_MS));
    ctx.log.write(`${outcome.message}\n`);
    throw error;
  }
  await target.remove(`${PREPARED}/${ctx.executionId}`);
  await prune(step, id);
  return `released ${id} to ${target.description}`;
}

async function check(step: Step, id: string, previous: string | undefined): Promise<void> {
  const { ctx, config, target } = step;
  if (!config.healthCheck) return;
  const result = await runHealthCheck(config.healthCheck, target, `${RELEASES}/${id}`, hookEnv(target, id, previous), ctx.log, ctx.signal);
  if (!result.ok) {
    throw new MeridianError('ACTION_FAILED', `${ctx.action.region}: the health check of release ${id} on ${target.description} failed: ${result.last}`, {
      details: { region: ctx.action.region, target: target.description, release: id, lastCheck: result.last },
    });
  }
}

async function rollBack(step: Step, id: string, previous: string | undefined, failure: unknown, signal: AbortSignal): Promise<MeridianError> {
  const { ctx, target } = step;
  const reason = failure instanceof Error ? failure.message : String(failure);
  const head = `${ctx.action.region}: release ${id} failed on ${target.description}`;
  if (previous === undefined) {
    await target.remove(CURRENT);
    ctx.log.write(`Removed current: there is no previous release to go back to\n`);
    return new MeridianError('ACTION_FAILED', `${head} and there was no previous release, so current was removed: ${reason}`, { cause: failure });
  }
  await target.pointLink(CURRENT, `${RELEASES}/${previous}`);
  ctx.log.write(`Switched current back to ${previous}\n`);
  try {
    await hook(step, 'activate', previous, id, signal);
  } catch (error) {
    const again = error instanceof Error ? error.message : String(error);
    return new MeridianError('ACTION_FAILED', `${head}; rolled back to ${previous}, but its activate hook failed too (${again}): ${reason}`, {
      cause: failure,
    });
  }
  return new MeridianError('ACTION_FAILED', `${head} and was rolled back to ${previous}: ${reason}`, { cause: failure });
}

function hookEnv(target: ReleaseTarget, id: string, previous: string | undefined): Record<string, string> {
  return {
    RELEASE_ID: id,
    RELEASE_DIR: `${target.root}/${RELEASES}/${id}`,
    TARGET_ROOT: target.root,
    PREVIOUS_RELEASE: previous === undefined ? '' : `${target.root}/${RELEASES}/${previous}`,
  };
}

async function hook(
  step: Step,
  name: 'beforeActivate' | 'activate' | 'afterActivate',
  id: string,
  previous: string | undefined,
  signal = step.ctx.signal,
): Promise<void> {
  const { ctx, config, target } = step;
  const command = config.hooks[name];
  if (command === undefined) return;
  ctx.log.write(`Running ${name} hook for ${id}: ${command}\n`);
  const code = await target.exec(command, {
    cwd: `${RELEASES}/${id}`,
    env: hookEnv(target, id, previous),
    signal,
    onOutput: (text) => ctx.log.write(text),
    // What the hook starts in the background and leaves running is the service it starts.
    leftovers: 'keep-on-success',
  });
  if (code !== 0) throw new MeridianError('ACTION_FAILED', `the ${name} hook of release ${id} exited with ${String(code)}; see the log`);
}

/** Keeps the newest `keep` releases; never the current one nor the one just activated. */
async function prune({ ctx, config, target }: Step, id: string): Promise<void> {
  const releases = (await target.listDirs(RELEASES)).filter((entry) => !entry.name.endsWith('.partial'));
  releases.sort((a, b) => b.mtimeMs - a.mtimeMs || b.name.localeCompare(a.name));
  const current = await currentRelease(target);
  const keep = new Set([id, ...(current === undefined ? [] : [current]), ...releases.slice(0, config.keep).map((entry) => entry.name)]);
  for (const entry of releases) {
    if (keep.has(entry.name)) continue;
    await target.remove(`${RELEASES}/${entry.name}`);
    ctx.log.write(`Pruned release ${entry.name}\n`);
  }
}
