/**
 * One attempt of one action, as an agent runs it: resolve its variables, bring its input
 * artifacts into its region's store and unpack them, call the provider under a timeout, pack
 * and store its outputs. Returns the outcome; the caller reports it to the engine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { MeridianError } from '../domain/errors.js';
import { actionTypeKey, type Action, type ConfigValue, type Pipeline } from '../domain/pipeline.js';
import { timeoutMinutes } from '../domain/timeouts.js';
import { resolveAction, resolveValue, type VariableScope } from '../domain/variables.js';
import type { Engine, JobOutcome } from '../engine/engine.js';
import { coerceError } from '../lib/coerce-error.js';
import type { ActionContext, ParameterReader, SecretReader } from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ArtifactStore } from '../stores/artifacts/artifact-store.js';
import { makeArtifactStoreFor } from '../stores/artifacts/make-store.js';
import { unzipTo, zipFolder } from '../stores/artifacts/zip.js';
import type { TestReport } from '../domain/test-report.js';
import type { ExecutionSnapshot, JobRecord } from '../stores/state/records.js';
import type { StateStore } from '../stores/state/state-store.js';
import { ActionLog, actionLogPath } from './action-log.js';
import { Masker } from './masker.js';
import { meridianToolPath } from './tool-path.js';

export interface JobDeps {
  engine: Engine;
  store: StateStore;
  registry: ProviderRegistry;
  stateDir: string;
  parameters: ParameterReader;
  secrets: SecretReader;
  /** How often to look for an approval answered from another process. */
  pollMs?: number;
  /** AWS_ENDPOINT_URL_S3, for regions whose store is an S3 bucket. */
  s3Endpoint?: string;
}

export async function runJob(deps: JobDeps, job: JobRecord, abort: AbortSignal): Promise<JobOutcome> {
  const snapshot = await deps.store.snapshot(deps.store.db, job.executionId);
  const { execution } = snapshot;
  const stage = execution.definition.stages[job.stageIndex];
  const declared = stage?.actions[job.actionIndex];
  if (!stage || !declared) throw new MeridianError('INTERNAL', `job ${job.id} names an action that is not in the definition`);
  const masker = new Masker();
  const log = new ActionLog(actionLogPath(deps.stateDir, execution.id, stage.name, declared.name, job.attempt), masker);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(abort.reason);
  abort.addEventListener('abort', onAbort);
  const limit = timeoutMinutes(declared) * 60_000;
  const timer = setTimeout(() => {
    controller.abort(new MeridianError('TIMEOUT', `${declared.name} ran past its timeout of ${formatMinutes(limit / 60_000)}; raise timeoutInMinutes if it needs longer`));
  }, limit);
  try {
    const provider = deps.registry.get(actionTypeKey(declared.type));
    const scope = scopeFor(snapshot);
    const resolution = resolveAction(declared, scope);
    if (resolution.missing.length > 0) {
      throw new MeridianError('ACTION_FAILED', `unresolved variable${resolution.missing.length > 1 ? 's' : ''} ${resolution.missing.map((m) => `#{${m}}`).join(', ')}: declare the namespace on an action that runs earlier, or pass the variable when starting the execution`);
    }
    const action = resolution.value;
    const workDir = path.join(deps.stateDir, 'work', execution.id, stage.name, `${declared.name}.${job.attempt}`);
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.mkdirSync(workDir, { recursive: true });
    const inputs = await bringInputs(deps, snapshot, action, workDir, log);
    const outputs = new Map<string, string>();
    const cacheRoot = path.join(deps.stateDir, 'cache', action.region);
    const ctx: ActionContext = {
      executionId: execution.id,
      pipelineName: execution.pipeline,
      action,
      attempt: job.attempt,
      workDir,
      inputs,
      inputRevisions: inputRevisions(snapshot, action),
      resources: resolveResources(execution.definition.resources, scope),
      artifactStores: execution.context.stores,
      stateDir: deps.stateDir,
      toolPath: meridianToolPath(deps.stateDir),
      cacheDir: (key) => {
        const dir = path.join(cacheRoot, key.replace(/[^A-Za-z0-9._-]/g, '_'));
        fs.mkdirSync(dir, { recursive: true });
        return Promise.resolve(dir);
      },
      outputDir: (name) => {
        if (!action.outputArtifacts.includes(name)) {
          return Promise.reject(new MeridianError('INTERNAL', `${action.name} has no output artifact ${name}`));
        }
        const dir = outputs.get(name) ?? path.join(workDir, 'outputs', name);
        fs.mkdirSync(dir, { recursive: true });
        outputs.set(name, dir);
        return Promise.resolve(dir);
      },
      log,
      mask: (value) => masker.add(value),
      parameters: deps.parameters,
      secrets: deps.secrets,
      signal: controller.signal,
      setWaiting: (reason) => deps.engine.setWaiting(job, reason),
      awaitApproval: () => awaitApproval(deps, job, stage.name, action.name, controller.signal),
    };
    const override = execution.context.sourceOverrides[action.name];
    if (override) ctx.sourceOverride = override;
    const result = await provider.run(ctx);
    if (controller.signal.aborted) throw controller.signal.reason;
    for (const name of action.outputArtifacts) {
      const dir = outputs.get(name) ?? (await ctx.outputDir(name));
      await storeOutput(deps, snapshot, action, name, dir);
    }
    fs.rmSync(workDir, { recursive: true, force: true });
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
    log.close();
  }
}

/** The commit each input artifact was built from: the CommitId of the source action that produced it, or of its own input. */
function inputRevisions(snapshot: ExecutionSnapshot, action: Action): Map<string, string> {
  const { definition } = snapshot.execution;
  const revisions = new Map<string, string>();
  const revisionOf = (artifact: string, depth: number): string | undefined => {
    for (const record of snapshot.actions) {
      const producer = definition.stages[record.stageIndex]?.actions[record.actionIndex];
      if (!producer?.outputArtifacts.includes(artifact)) continue;
      const commit = record.outputVariables.CommitId;
      if (commit) return commit;
      const upstream = producer.inputArtifacts[0];
      return upstream && depth < 20 ? revisionOf(upstream, depth + 1) : undefined;
    }
    return undefined;
  };
  for (const name of action.inputArtifacts) {
    const revision = revisionOf(name, 0);
    if (revision) revisions.set(name, revision);
  }
  return revisions;
}

function maskReport(report: TestReport, masker: Masker): TestReport {
  return { ...report, failures: report.failures.map((f) => ({ ...f, name: masker.mask(f.name), message: masker.mask(f.message) })) };
}

/** Template resources with their `#{parameters.X}` (and other) references resolved, as CloudFormation would have. */
function resolveResources(resources: Pipeline['resources'], scope: VariableScope): Pipeline['resources'] {
  const missing: string[] = [];
  return Object.fromEntries(
    Object.entries(resources).map(([id, resource]) => [id, { ...resource, properties: resolveValue(resource.properties, scope, missing) as Record<string, ConfigValue> }]),
  );
}

/** Variables visible to an action: the namespaces of actions that already succeeded, and Meridian's own. */
function scopeFor(snapshot: ExecutionSnapshot): VariableScope {
  const { execution } = snapshot;
  const scope: VariableScope = {
    codepipeline: { PipelineExecutionId: execution.id },
    variables: execution.context.variables,
    parameters: execution.context.parameters,
  };
  for (const record of snapshot.actions) {
    const namespace = execution.definition.stages[record.stageIndex]?.actions[record.actionIndex]?.namespace;
    if (namespace && record.status === 'Succeeded') scope[namespace] = record.outputVariables;
  }
  return scope;
}

async function bringInputs(deps: JobDeps, snapshot: ExecutionSnapshot, action: Action, workDir: string, log: ActionLog): Promise<Map<string, string>> {
  const { execution } = snapshot;
  const inputs = new Map<string, string>();
  if (action.inputArtifacts.length === 0) return inputs;
  const records = await deps.store.artifacts(deps.store.db, execution.id);
  const target = storeFor(deps, execution.context.stores, action.region);
  for (const name of action.inputArtifacts) {
    const record = records.find((r) => r.name === name);
    if (!record) {
      throw new MeridianError('ARTIFACT', `input artifact ${name} was not produced in this execution; check that an earlier action lists it in its outputs`);
    }
    const source = storeFor(deps, execution.context.stores, record.region);
    const started = performance.now();
    const copy = await target.copyFrom(source, record.digest);
    if (copy.copied) {
      const ms = Math.round(performance.now() - started);
      log.write(`Replicated ${name} (${record.digest.slice(0, 12)}, ${formatBytes(copy.bytes)}) from ${record.region} to ${action.region} in ${ms} ms\n`);
    }
    const folder = path.join(workDir, 'inputs', name);
    await unzipTo(await target.getVerified(record.digest), folder);
    inputs.set(name, folder);
  }
  return inputs;
}

async function storeOutput(deps: JobDeps, snapshot: ExecutionSnapshot, action: Action, name: string, dir: string): Promise<void> {
  const { execution } = snapshot;
  const tmp = path.join(deps.stateDir, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const zip = path.join(tmp, `${randomUUID()}.zip`);
  try {
    await zipFolder(dir, zip);
    const stored = await storeFor(deps, execution.context.stores, action.region).putFile(zip);
    await deps.store.recordArtifact(deps.store.db, {
      executionId: execution.id,
      name,
      digest: stored.digest,
      size: stored.size,
      region: action.region,
      producedBy: action.name,
    });
  } finally {
    fs.rmSync(zip, { force: true });
  }
}

/** A region's store: a folder, or an S3 bucket for an `s3://bucket[/prefix]` location. */
function storeFor(deps: JobDeps, stores: Record<string, string>, region: string): ArtifactStore {
  const location = stores[region];
  if (!location) throw new MeridianError('ARTIFACT', `region ${region} has no artifact store; declare one for it`);
  const options: Parameters<typeof makeArtifactStoreFor>[2] = { stateDir: deps.stateDir };
  if (deps.s3Endpoint !== undefined) options.s3Endpoint = deps.s3Endpoint;
  return makeArtifactStoreFor(location, region, options);
}

async function awaitApproval(deps: JobDeps, job: JobRecord, stage: string, action: string, signal: AbortSignal): Promise<{ status: 'Approved' | 'Rejected'; comment?: string; by?: string }> {
  const pollMs = deps.pollMs ?? 250;
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const answer = await deps.store.findApproval(deps.store.db, { executionId: job.executionId, stage, action, since: job.createdAt });
    if (answer) {
      const outcome: { status: 'Approved' | 'Rejected'; comment?: string; by?: string } = { status: answer.status };
      if (answer.comment !== null) outcome.comment = answer.comment;
      if (answer.by !== null) outcome.by = answer.by;
      return outcome;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function formatMinutes(minutes: number): string {
  return minutes < 1 ? `${Math.round(minutes * 60)}s` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
