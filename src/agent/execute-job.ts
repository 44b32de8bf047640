/**
 * One attempt of one action, wherever it runs: unpack its inputs (from its region's store,
 * through the host), call the provider under the action's timeout, pack and store its
 * outputs, and turn the result or error into the job's outcome. The embedded agent and a
 * remote agent both run this; they differ only in their JobHost.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { MeridianError } from '../domain/errors.js';
import { actionTypeKey } from '../domain/pipeline.js';
import type { TestReport } from '../domain/test-report.js';
import type { JobOutcome } from '../domain/jobs/job-outcome.js';
import { coerceError } from '../lib/coerce-error.js';
import type { ActionContext } from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { zipFolder } from '../stores/artifacts/zip.js';
import { ActionLog } from '../stores/logs/action-log.js';
import type { JobHost } from '../domain/jobs/job-host.js';
import type { JobSpec } from '../domain/jobs/job-spec.js';
import { Masker } from '../lib/masker.js';
import { scratchFolder, workFolder } from '../lib/attempt-scratch.js';
import { withAttemptProcesses, type AttemptProcesses } from '../providers/attempt-processes.js';
import { meridianToolPath } from './tool-path.js';

export async function executeJob(host: JobHost, registry: ProviderRegistry, spec: JobSpec, abort: AbortSignal): Promise<JobOutcome> {
  const { job, action } = spec;
  const masker = new Masker();
  for (const value of spec.masked ?? []) masker.add(value);
  const log = new ActionLog(host.logFile, masker);
  if (host.onLogLine) log.onLine((line) => host.onLogLine?.(line));
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(abort.reason);
  abort.addEventListener('abort', onAbort);
  const timer = setTimeout(() => {
    controller.abort(
      new MeridianError(
        'TIMEOUT',
        `${action.name} ran past its timeout of ${formatMinutes(spec.timeoutMs / 60_000)}; raise timeoutInMinutes if it needs longer`,
      ),
    );
  }, spec.timeoutMs);
  let scratch: string | undefined;
  // Outside the state dir, which is often inside a project: a build sees no folder of it (attempt-scratch.ts).
  const work = new WorkDir(() => workFolder(host.root, job.id));
  let closed = false;
  try {
    // Refused (a failed attempt, not a crash) when the temp dir holds a folder of another user's.
    const attemptScratch = scratchFolder(host.root, job.id);
    scratch = attemptScratch;
    const provider = registry.get(actionTypeKey(action.type));
    if (spec.problem) throw new MeridianError(spec.problem.code, spec.problem.message);
    const inputs = new Map<string, string>();
    for (const input of spec.inputs) {
      const folder = path.join(work.path, 'inputs', input.name);
      await host.fetchInput(input, folder, log);
      inputs.set(input.name, folder);
    }
    const outputs = new Map<string, string>();
    const cacheRoot = path.join(host.root, 'cache', action.region);
    const ctx: ActionContext = {
      executionId: job.executionId,
      pipelineName: spec.pipeline,
      action,
      attempt: job.attempt,
      // Made on first use: an action that touches no files (a no-op, an approval) costs no folder.
      get workDir() {
        return work.path;
      },
      inputs,
      inputRevisions: new Map(Object.entries(spec.inputRevisions)),
      resources: spec.resources,
      artifactStores: spec.artifactStores,
      stateDir: host.root,
      toolPath: meridianToolPath(host.root),
      cacheDir: (key) => {
        const dir = path.join(cacheRoot, key.replace(/[^A-Za-z0-9._-]/g, '_'));
        fs.mkdirSync(dir, { recursive: true });
        return Promise.resolve(dir);
      },
      scratchDir: () => {
        fs.mkdirSync(attemptScratch, { recursive: true, mode: 0o700 });
        return Promise.resolve(attemptScratch);
      },
      outputDir: (name) => {
        if (!action.outputArtifacts.includes(name)) {
          return Promise.reject(new MeridianError('INTERNAL', `${action.name} has no output artifact ${name}`));
        }
        const dir = outputs.get(name) ?? path.join(work.path, 'outputs', name);
        fs.mkdirSync(dir, { recursive: true });
        outputs.set(name, dir);
        return Promise.resolve(dir);
      },
      log,
      mask: (value) => masker.add(value),
      parameters: host.parameters,
      secrets: host.secrets,
      signal: controller.signal,
      setWaiting: (reason) => host.setWaiting(reason),
      awaitApproval: () => host.awaitApproval(controller.signal),
    };
    if (spec.sourceOverride) ctx.sourceOverride = spec.sourceOverride;
    // Once the log is closed, a late recording failure is not worth reopening it for.
    const logUntilClosed = { write: (text: string) => void (closed || log.write(text)) };
    const result = await withAttemptProcesses(attemptProcesses(host, attemptScratch, logUntilClosed), () => provider.run(ctx));
    if (controller.signal.aborted) throw controller.signal.reason;
    for (const name of action.outputArtifacts) {
      const dir = outputs.get(name) ?? (await ctx.outputDir(name));
      await storeOutput(host, name, dir);
    }
    const outcome: JobOutcome = { status: 'Succeeded', outputVariables: masker.maskRecord(result.outputVariables ?? {}) };
    if (result.summary) outcome.summary = masker.mask(result.summary);
    if (result.reports) outcome.reports = result.reports.map((report) => maskReport(report, masker));
    return outcome;
  } catch (thrown) {
    const error = coerceError(thrown);
    log.write(`\n${error.code === 'TIMEOUT' ? 'Timed out' : 'Failed'}: ${error.message}\n`);
    const abandoned = abort.aborted && !(error.code === 'TIMEOUT');
    const outcome: JobOutcome = { status: abandoned ? 'Abandoned' : 'Failed', error: { code: error.code, message: masker.mask(error.message) } };
    // A failed build still produced its test reports: they say why it failed.
    const reports = error.details.reports;
    if (Array.isArray(reports) && reports.length > 0) outcome.reports = (reports as TestReport[]).map((report) => maskReport(report, masker));
    return outcome;
  } finally {
    clearTimeout(timer);
    abort.removeEventListener('abort', onAbort);
    // A failed attempt's folder too: it lies in the temp dir, where nobody would look for it.
    work.remove();
    if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
    closed = true;
    log.close();
  }
}

/** Hands the process groups of the attempt's programs to the host to record (see JobHost.recordProcess). */
function attemptProcesses(host: JobHost, scratch: string, log: { write(text: string): void }): AttemptProcesses {
  return {
    started: async (group) => {
      try {
        await host.recordProcess?.(group, scratch);
      } catch (error) {
        // The program runs on; only a retry after a crash could not end it first.
        log.write(`[Meridian] could not record process group ${group.pgid}: ${coerceError(error).message}\n`);
      }
    },
    ended: async (group) => {
      await host.forgetProcess?.(group).catch(() => undefined);
    },
    note: (text) => log.write(text),
  };
}

/** An attempt's work folder, made (empty) when first asked for. */
class WorkDir {
  private dir: string | undefined;

  constructor(private readonly where: () => string) {}

  get path(): string {
    if (this.dir === undefined) {
      const dir = this.where();
      // Nothing new was made: a folder of an earlier try of this attempt is there; start empty.
      if (fs.mkdirSync(dir, { recursive: true }) === undefined) {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
      }
      this.dir = dir;
    }
    return this.dir;
  }

  remove(): void {
    if (this.dir !== undefined) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

async function storeOutput(host: JobHost, name: string, dir: string): Promise<void> {
  const tmp = path.join(host.root, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const zip = path.join(tmp, `${randomUUID()}.zip`);
  try {
    await zipFolder(dir, zip);
    await host.storeOutput(name, zip);
  } finally {
    fs.rmSync(zip, { force: true });
  }
}

function maskReport(report: TestReport, masker: Masker): TestReport {
  return { ...report, failures: report.failures.map((f) => ({ ...f, name: masker.mask(f.name), message: masker.mask(f.message) })) };
}

function formatMinutes(minutes: number): string {
  return minutes < 1 ? `${Math.round(minutes * 60)}s` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
