/**
 * What an agent needs to run one job, worked out where the state store is: the action with
 * its `#{...}` references resolved, the artifacts it reads (by digest), the commits they came
 * from, and its timeout. The embedded agent prepares it in-process; a remote agent receives
 * it from the server when it claims the job. A job that cannot run (an unresolved variable,
 * a missing input) still gets a spec, with the `problem` the agent reports as its failure.
 */
import { MeridianError } from '../../domain/errors.js';
import type { Action, ConfigValue, Pipeline } from '../../domain/pipeline.js';
import { timeoutMinutes } from '../../domain/timeouts.js';
import { crossRegionCommandProblem } from '../../domain/cross-region-values.js';
import { resolveAction, resolveValue, type VariableScope } from '../../domain/variables.js';
import type { ExecutionRecord, ExecutionSnapshot, JobRecord } from '../../domain/records.js';
import type { JobSpec } from '../../domain/jobs/job-spec.js';
import type { StateStore } from '../../stores/state/state-store.js';
import type { ParameterReader } from '../../domain/jobs/host-services.js';
import { variableScope } from '../variable-scope.js';
import { readSecureParameters } from './secure-parameters.js';

/** `parameters` reads the SecureString template parameters the job references (never stored with the execution). */
export async function prepareJob(store: StateStore, job: JobRecord, parameters?: ParameterReader): Promise<JobSpec> {
  return new JobSpecReader(store, parameters).prepare(job);
}

/**
 * Prepares the specs of jobs claimed together. Of the execution's actions' records, only
 * those a spec depends on are read: the actions that declare a namespace (`#{namespace.var}`
 * values) and those that produced the action's input artifacts, and their own inputs'
 * producers (the commit each input was built from). A spec is prepared for every job an agent
 * claims, so it is on the dispatch path: reading every action of a 200-action execution for
 * each of its jobs made dispatch quadratic.
 */
export class JobSpecReader {
  /** Execution and the actions asked for -> their records. */
  private readonly actions = new Map<string, Promise<ExecutionSnapshot['actions']>>();

  constructor(
    private readonly store: StateStore,
    private readonly parameters?: ParameterReader,
  ) {}

  async prepare(job: JobRecord): Promise<JobSpec> {
    const { store } = this;
    const id = job.executionId;
    const execution = await store.fixedParts(store.db, id);
    const { definition } = execution;
    const declared = definition.stages[job.stageIndex]?.actions[job.actionIndex];
    const keys = declared === undefined ? [] : actionsReadBy(definition, declared);
    const actions = keys.length === 0 ? [] : await cached(this.actions, `${id} ${JSON.stringify(keys)}`, () => store.actionsAt(store.db, id, keys));
    const spec = await specFrom(store, job, { execution, actions }, this.parameters);
    if (declared?.type.category === 'Approval') {
      const since = (await store.getAction(store.db, job)).startedAt ?? job.createdAt;
      spec.approvalSince = since;
      // Engine-clock instants both: the time the run waited before this attempt was queued is spent.
      spec.timeoutMs = Math.max(0, spec.timeoutMs - Math.max(0, Date.parse(job.createdAt) - Date.parse(since)));
    }
    return spec;
  }
}

/** The actions whose records a spec of `action` reads: those with a namespace, and the producers of its inputs and of theirs. */
function actionsReadBy(definition: Pipeline, action: Action): Array<{ stageIndex: number; actionIndex: number }> {
  const keys = new Map<string, { stageIndex: number; actionIndex: number }>();
  const add = (stageIndex: number, actionIndex: number): void => void keys.set(`${stageIndex}/${actionIndex}`, { stageIndex, actionIndex });
  definition.stages.forEach((stage, stageIndex) => stage.actions.forEach((a, actionIndex) => a.namespace !== undefined && add(stageIndex, actionIndex)));
  const artifacts = [...action.inputArtifacts];
  const seen = new Set<string>();
  while (artifacts.length > 0) {
    const artifact = artifacts.shift() as string;
    if (seen.has(artifact)) continue;
    seen.add(artifact);
    definition.stages.forEach((stage, stageIndex) =>
      stage.actions.forEach((producer, actionIndex) => {
        if (!producer.outputArtifacts.includes(artifact)) return;
        add(stageIndex, actionIndex);
        if (producer.inputArtifacts[0] !== undefined) artifacts.push(producer.inputArtifacts[0]);
      }),
    );
  }
  return [...keys.values()].sort((a, b) => a.stageIndex - b.stageIndex || a.actionIndex - b.actionIndex);
}

function cached<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let value = map.get(key);
  if (!value) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** What a spec is made of: the execution's fixed parts, and its actions' records when they matter. */
interface SpecSource {
  execution: Pick<ExecutionRecord, 'id' | 'pipeline' | 'definition' | 'context'>;
  actions: ExecutionSnapshot['actions'];
}

async function specFrom(store: StateStore, job: JobRecord, snapshot: SpecSource, parameters: ParameterReader | undefined): Promise<JobSpec> {
  const { execution } = snapshot;
  const stage = execution.definition.stages[job.stageIndex];
  const declared = stage?.actions[job.actionIndex];
  if (!stage || !declared) throw new MeridianError('INTERNAL', `job ${job.id} names an action that is not in the definition`);
  const scope = variableScope(snapshot);
  const secure = await readSecureParameters(execution.context, declared, execution.definition.resources, parameters);
  scope.parameters = { ...scope.parameters, ...secure.values };
  const resolution = resolveAction(declared, scope);
  const spec: JobSpec = {
    job: {
      id: job.id,
      executionId: job.executionId,
      stageIndex: job.stageIndex,
      actionIndex: job.actionIndex,
      attempt: job.attempt,
      region: job.region,
      createdAt: job.createdAt,
    },
    pipeline: execution.pipeline,
    stage: stage.name,
    action: declared,
    inputs: [],
    inputRevisions: inputRevisions(snapshot, declared),
    resources: resolveResources(execution.definition.resources, scope),
    artifactStores: execution.context.stores,
    timeoutMs: timeoutMinutes(declared) * 60_000,
  };
  const masked = Object.values(secure.values).flatMap(withLines);
  if (masked.length > 0) spec.masked = masked;
  if (secure.problem !== undefined) {
    spec.problem = { code: 'ACTION_FAILED', message: secure.problem };
    return spec;
  }
  const override = execution.context.sourceOverrides[declared.name];
  if (override) spec.sourceOverride = override;
  if (resolution.missing.length > 0) {
    const names = resolution.missing.map((m) => `#{${m}}`).join(', ');
    spec.problem = {
      code: 'ACTION_FAILED',
      message: `unresolved variable${resolution.missing.length > 1 ? 's' : ''} ${names}: declare the namespace on an action that runs earlier, or pass the variable when starting the execution`,
    };
    return spec;
  }
  const crossing = crossRegionCommandProblem(execution.definition, declared, job.region, scope);
  if (crossing !== undefined) {
    spec.problem = { code: 'ACTION_FAILED', message: crossing };
    return spec;
  }
  spec.action = resolution.value;
  const records = declared.inputArtifacts.length === 0 ? [] : await store.artifacts(store.db, execution.id);
  for (const name of declared.inputArtifacts) {
    const record = records.find((r) => r.name === name);
    if (!record) {
      spec.problem = {
        code: 'ARTIFACT',
        message: `input artifact ${name} was not produced in this execution; check that an earlier action lists it in its outputs`,
      };
      return spec;
    }
    spec.inputs.push({ name, digest: record.digest, size: record.size });
  }
  return spec;
}

/** The commit each input artifact was built from: the CommitId of the source action that produced it, or of its own input. */
function inputRevisions(snapshot: SpecSource, action: Action): Record<string, string> {
  const { definition } = snapshot.execution;
  const revisions: Record<string, string> = {};
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
    if (revision) revisions[name] = revision;
  }
  return revisions;
}

/** Template resources with their `#{parameters.X}` (and other) references resolved, as CloudFormation would have. */
function resolveResources(resources: Pipeline['resources'], scope: VariableScope): Pipeline['resources'] {
  const missing: string[] = [];
  return Object.fromEntries(
    Object.entries(resources).map(([id, resource]) => [
      id,
      { ...resource, properties: resolveValue(resource.properties, scope, missing) as Record<string, ConfigValue> },
    ]),
  );
}

/** A value and, when it has several, each of its lines: the agent masks line by line (a PEM key). */
function withLines(value: string): string[] {
  const lines = value.split(/\r?\n/).filter((line) => line.trim().length >= 4);
  return lines.length > 1 ? [value, ...lines] : [value];
}
