/**
 * One CodeBuild build, phase by phase as CodeBuild runs it [CB-PH]: PROVISIONING (project
 * and action variables), DOWNLOAD_SOURCE (buildspec, its variables, runtimes, cache
 * restore), INSTALL..POST_BUILD in one bash process (run-phases.ts), reports,
 * UPLOAD_ARTIFACTS (attempted whenever BUILD was entered and the build was not aborted),
 * the cache saved after a build that succeeded, FINALIZING. A failed phase fails the
 * action with the phase's message; RETRY runs the whole build again from fresh inputs.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import type { TestReport } from '../../domain/test-report.js';
import { runProcess } from '../child-process.js';
import { configString } from '../config.js';
import type { ActionContext, ActionResult } from '../provider.js';
import { copyArtifact } from './artifacts.js';
import { BuildLog, PhaseError } from './build-log.js';
import { loadBuildspec } from './buildspec-source.js';
import type { ArtifactSpec, Buildspec } from './buildspec.js';
import { restoreCache, saveCache } from './cache.js';
import { builtInVariables, hostEnvironment, newBuildIdentity, resolveBuildspecVariables, resolveProjectVariables, type BuildIdentity } from './environment.js';
import { planBuild } from './plan.js';
import { actionVariables, readProject, type Project } from './project.js';
import { collectReports } from './reports.js';
import { runPhases, type PhasesOutcome } from './run-phases.js';
import type { BuildPlan } from './script.js';
import { Masker } from '../../lib/masker.js';

export async function runBuild(parent: ActionContext): Promise<ActionResult> {
  const masker = new Masker();
  const ctx: ActionContext = { ...parent, mask: (value) => (masker.add(value), parent.mask(value)) };
  const log = new BuildLog(ctx.log);
  const project = readProject(ctx.action, ctx.resources);
  const identity = await newBuildIdentity(ctx, project.name, new Date());
  const timeout = withProjectTimeout(ctx.signal, project.timeoutInMinutes);
  // In the attempt's scratch folder: left behind by a killed Meridian, it is found and removed.
  const scratch = await mkdtemp(join(await ctx.scratchDir(), 'codebuild-'));
  try {
    return await build(ctx, { log, project, identity, signal: timeout.signal, scratch, mask: (text) => masker.mask(text) });
  } catch (error) {
    if (error instanceof PhaseError)
      throw new MeridianError('ACTION_FAILED', error.message, { details: { buildId: identity.buildId, buildNumber: identity.buildNumber } });
    throw error;
  } finally {
    timeout.dispose();
    await rm(scratch, { recursive: true, force: true });
  }
}

interface Build {
  log: BuildLog;
  project: Project;
  identity: BuildIdentity;
  signal: AbortSignal;
  scratch: string;
  mask: (text: string) => string;
}

async function build(ctx: ActionContext, b: Build): Promise<ActionResult> {
  const { log, project, identity } = b;
  const { name: primaryName, dir: primaryDir } = await primarySource(ctx);
  log.line(`Running on Meridian (${hostname()}) as build ${identity.buildId}, #${identity.buildNumber} of ${project.origin}`);
  if (project.image !== undefined)
    log.line(`Image ${project.image} named by the project was not used: there is no container engine here, the build runs on this host with bash`);
  const notExportable = new Set<string>();

  const overrides = await failing(log, 'PROVISIONING', async () => {
    const fromProject = await resolveProjectVariables(ctx, project.environmentVariables, notExportable);
    const { variables, problem } = actionVariables(ctx.action);
    if (problem) throw new PhaseError('CLIENT_ERROR', `action ${ctx.action.name}: ${problem}`);
    return { ...fromProject, ...(await resolveProjectVariables(ctx, variables, notExportable)) };
  });

  const { buildspec, env, plan } = await failing(log, 'DOWNLOAD_SOURCE', async () => {
    log.line(`CODEBUILD_SRC_DIR=${primaryDir}`);
    const spec = await loadBuildspec(
      { action: configString(ctx.action, 'BuildSpec'), project: project.buildSpec, origin: project.origin },
      primaryDir,
      primaryName,
    );
    log.line(`Buildspec ${spec.file}, version ${spec.version}${spec.version === '0.1' ? ': each command runs in its own shell' : ''}`);
    for (const note of spec.notApplicable) log.line(`Not applicable on this host: ${note}`);
    const fromBuildspec = await resolveBuildspecVariables(ctx, spec, notExportable);
    const environment: NodeJS.ProcessEnv = {
      ...hostEnvironment(ctx),
      ...fromBuildspec,
      ...overrides,
      ...builtInVariables(ctx, primaryDir, primaryName, identity, project.image),
    };
    const planned = await planBuild(spec, environment, b.signal, (text) => log.line(text));
    log.line(`Phases found in YAML: ${Object.keys(spec.phases).length}`);
    await cacheStep(ctx, b, spec, primaryDir, 'restore');
    return { buildspec: spec, env: environment, plan: planned };
  });

  const { outputs, problem: outputProblem } = outputSpecs(ctx, buildspec);
  const fullPlan: BuildPlan = { ...plan, retriesUsed: 0, artifactNames: outputs.map(({ spec }) => spec.name ?? '') };
  const outcome = await runAttempts(ctx, b, fullPlan, env, primaryDir);

  const reports = outcome.built ? await collectReports(buildspec.reports, primaryDir, b.mask, (text) => log.line(text)) : [];
  const failures = outcome.phases.filter((phase) => phase.state === 'FAILED').map((phase) => `${phase.name} failed: ${phase.message}`);
  const copied: string[] = [];
  if (outcome.built && !outcome.aborted) {
    try {
      await log.phase('UPLOAD_ARTIFACTS', async () => {
        if (buildspec.artifacts && ctx.action.outputArtifacts.length === 0)
          log.line('The action has no output artifacts: the buildspec artifacts are not uploaded');
        if (outputProblem !== undefined) throw new PhaseError('CLIENT_ERROR', outputProblem);
        for (const [index, { artifact, spec, what }] of outputs.entries()) {
          const name = outcome.artifactNames[index];
          if (name) log.line(`Artifact ${artifact}: name ${name}`);
          const count = await copyArtifact(spec, primaryDir, await ctx.outputDir(artifact), what);
          log.line(`Artifact ${artifact}: ${count} file${count === 1 ? '' : 's'}`);
          copied.push(`${artifact} (${count} file${count === 1 ? '' : 's'})`);
        }
      });
    } catch (error) {
      if (!(error instanceof PhaseError)) throw error;
      failures.push(`UPLOAD_ARTIFACTS failed: ${error.message}`);
    }
  }
  if (outcome.succeeded && failures.length === 0) await cacheStep(ctx, b, buildspec, primaryDir, 'save');
  await log.phase('FINALIZING', () => Promise.resolve());

  if (!outcome.succeeded || failures.length > 0) {
    const message = failures.length > 0 ? failures.join('; ') : 'the build failed';
    throw new MeridianError('ACTION_FAILED', b.mask(message), {
      details: { buildId: identity.buildId, buildNumber: identity.buildNumber, phases: outcome.phases, reports },
    });
  }
  const result: ActionResult = {
    summary: `build ${identity.projectName} #${identity.buildNumber} succeeded${copied.length > 0 ? `; artifacts ${copied.join(', ')}` : ''}${reportSummary(reports)}`,
  };
  const outputVariables = exportedVariables(buildspec, outcome, notExportable, (text) => log.line(text));
  if (outputVariables) result.outputVariables = outputVariables;
  if (reports.length > 0) result.reports = reports;
  return result;
}

/** One build attempt, and again while a RETRY phase asks for it, each from fresh copies of the inputs. */
async function runAttempts(ctx: ActionContext, b: Build, plan: BuildPlan, env: NodeJS.ProcessEnv, primaryDir: string): Promise<PhasesOutcome> {
  const retries = plan.phases.some((phase) => phase.onFailure.mode === 'RETRY');
  const folders = [...new Set([primaryDir, ...ctx.inputs.values()])];
  const pristine = join(b.scratch, 'inputs');
  if (retries) await mkdir(pristine, { recursive: true });
  if (retries) await Promise.all(folders.map((folder, i) => copyTree(folder, join(pristine, String(i)), b.signal)));
  for (let retriesUsed = 0; ; retriesUsed++) {
    if (retriesUsed > 0) {
      b.log.line(`Retrying the build (retry ${retriesUsed}) from fresh copies of its inputs`);
      for (const [i, folder] of folders.entries()) {
        await rm(folder, { recursive: true, force: true });
        await copyTree(join(pristine, String(i)), folder, b.signal);
      }
    }
    const outcome = await runPhases(
      { ...plan, retriesUsed },
      { cwd: primaryDir, env, signal: b.signal, onOutput: (text) => ctx.log.write(text), scratch: b.scratch },
    );
    if (!outcome.retry) return outcome;
  }
}

/** Which buildspec artifact fills which output: one output takes `artifacts`; several take `secondary-artifacts` by identifier [CP-CB]. */
function outputSpecs(ctx: ActionContext, buildspec: Buildspec): { outputs: Array<{ artifact: string; spec: ArtifactSpec; what: string }>; problem?: string } {
  const names = ctx.action.outputArtifacts;
  if (names.length === 0) return { outputs: [] };
  const artifacts = buildspec.artifacts;
  if (!artifacts)
    return {
      outputs: [],
      problem: `${buildspec.file}: the action has output artifact ${names.join(', ')} but the buildspec has no \`artifacts\`; add artifacts: files: ['**/*']`,
    };
  if (names.length === 1) return { outputs: [{ artifact: names[0]!, spec: artifacts, what: `artifacts (output ${names[0]!})` }] };
  const outputs: Array<{ artifact: string; spec: ArtifactSpec; what: string }> = [];
  const missing = names.filter((artifact) => {
    const spec = artifacts.secondary[artifact];
    if (spec) outputs.push({ artifact, spec, what: `secondary artifact ${artifact}` });
    return !spec;
  });
  if (missing.length === 0) return { outputs };
  const known = Object.keys(artifacts.secondary);
  return {
    outputs,
    problem: `${buildspec.file}: output artifact ${missing.join(', ')} has no secondary-artifacts entry of that name; with several outputs each needs one (found: ${known.join(', ') || 'none'})`,
  };
}

/** Exported variables as they were when POST_BUILD ended; AWS_ names and stored values are never exported [CB-SPEC]. */
function exportedVariables(
  buildspec: Buildspec,
  outcome: PhasesOutcome,
  notExportable: Set<string>,
  log: (text: string) => void,
): Record<string, string> | undefined {
  const names = buildspec.env.exportedVariables;
  if (names.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const name of names) {
    if (name.startsWith('AWS_')) log(`Not exporting ${name}: names starting with AWS_ cannot be exported`);
    else if (notExportable.has(name)) log(`Not exporting ${name}: it comes from Parameter Store or Secrets Manager`);
    else if (!outcome.variables.has(name)) log(`Not exporting ${name}: no command set it`);
    else out[name] = outcome.variables.get(name)!;
  }
  return out;
}

async function cacheStep(ctx: ActionContext, b: Build, buildspec: Buildspec, sourceDir: string, step: 'restore' | 'save'): Promise<void> {
  if (buildspec.cachePaths.length === 0) {
    if (step === 'restore') b.log.line('Cache is not defined in the buildspec');
    return;
  }
  if (b.project.cacheType === 'NO_CACHE') {
    if (step === 'restore') b.log.line('Cache paths are ignored: the project says Cache Type NO_CACHE');
    return;
  }
  let cacheDir: string;
  try {
    cacheDir = join(await ctx.cacheDir(`codebuild-${b.identity.projectName}`), 'cache');
    await mkdir(cacheDir, { recursive: true });
  } catch (error) {
    b.log.line(`Warning: the cache folder cannot be used (${error instanceof Error ? error.message : String(error)}); building without cache`);
    return;
  }
  const options = { paths: buildspec.cachePaths, sourceDir, cacheDir, signal: b.signal, log: (text: string) => b.log.line(text) };
  await (step === 'restore' ? restoreCache(options) : saveCache(options));
}

async function primarySource(ctx: ActionContext): Promise<{ name: string; dir: string }> {
  const wanted = configString(ctx.action, 'PrimarySource');
  const [first] = ctx.inputs.keys();
  const name = wanted ?? first;
  const dir = name === undefined ? undefined : ctx.inputs.get(name);
  if (name !== undefined && dir === undefined) {
    throw new MeridianError(
      'ACTION_FAILED',
      `PrimarySource ${name} is not an input artifact of ${ctx.action.name}; use one of ${[...ctx.inputs.keys()].join(', ')}`,
    );
  }
  if (name !== undefined && dir !== undefined) return { name, dir };
  const empty = join(ctx.workDir, 'src');
  await mkdir(empty, { recursive: true });
  return { name: '(no input)', dir: empty };
}

/** Runs one of Meridian's own phases; a PhaseError fails the build there, after FINALIZING. */
async function failing<T>(log: BuildLog, phase: string, work: () => Promise<T>): Promise<T> {
  try {
    return await log.phase(phase, work);
  } catch (error) {
    if (error instanceof PhaseError) {
      await log.phase('FINALIZING', () => Promise.resolve());
      throw new PhaseError(error.statusCode, `${phase} failed: ${error.message}`);
    }
    throw error;
  }
}

function withProjectTimeout(signal: AbortSignal, minutes: number | undefined): { signal: AbortSignal; dispose: () => void } {
  if (minutes === undefined) return { signal, dispose: () => undefined };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new MeridianError('TIMEOUT', `the build ran past the project's TimeoutInMinutes (${minutes}) and was stopped`)),
    minutes * 60_000,
  );
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

async function copyTree(from: string, to: string, signal: AbortSignal): Promise<void> {
  const result = await runProcess('cp', ['-a', '-T', from, to], { signal });
  if (result.exitCode !== 0) throw new MeridianError('ACTION_FAILED', `cannot copy ${from} for a retry: ${result.stderr.trim()}`);
}

function reportSummary(reports: readonly TestReport[]): string {
  if (reports.length === 0) return '';
  const total = reports.reduce((sum, report) => sum + report.totals.total, 0);
  const failed = reports.reduce((sum, report) => sum + report.totals.failed + report.totals.errored, 0);
  return `; ${total} test${total === 1 ? '' : 's'}, ${failed} failed`;
}
