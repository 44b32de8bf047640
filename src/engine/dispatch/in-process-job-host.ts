/**
 * The embedded agent's side of a job: artifacts straight from the region stores (replicated
 * into the action's region first), the log file in the state dir, parameters and secrets
 * from this process's stores, waiting and approvals through the engine and the state store.
 */
import { MeridianError } from '../../domain/errors.js';
import type { Engine } from '../engine.js';
import type { ApprovalOutcome, LogSink, ParameterReader, SecretReader } from '../../domain/jobs/host-services.js';
import { unzipTo } from '../../stores/artifacts/zip.js';
import type { StateStore } from '../../stores/state/state-store.js';
import { actionLogPath } from '../../stores/logs/action-log.js';
import { describeReplication, type JobHost, type ProcessGroup } from '../../domain/jobs/job-host.js';
import { forgetJobProcess, recordJobProcess } from '../../stores/state/process-records.js';
import type { InputArtifact, JobSpec } from '../../domain/jobs/job-spec.js';
import { replicateInto, storeFor, type StoreOptions } from '../../stores/artifacts/region-stores.js';

export interface InProcessJobHostDeps {
  engine: Engine;
  store: StateStore;
  stateDir: string;
  parameters: ParameterReader;
  secrets: SecretReader;
  /** How often to look for an approval answered from another process. */
  pollMs?: number;
  s3Endpoint?: string;
}

export class InProcessJobHost implements JobHost {
  readonly root: string;
  readonly logFile: string;
  readonly parameters: ParameterReader;
  readonly secrets: SecretReader;
  private readonly storeOptions: StoreOptions;

  constructor(
    private readonly deps: InProcessJobHostDeps,
    private readonly spec: JobSpec,
  ) {
    const { job } = spec;
    this.root = deps.stateDir;
    this.logFile = actionLogPath(deps.stateDir, job.executionId, spec.stage, spec.action.name, job.attempt);
    this.parameters = deps.parameters;
    this.secrets = deps.secrets;
    this.storeOptions = deps.s3Endpoint === undefined ? { stateDir: deps.stateDir } : { stateDir: deps.stateDir, s3Endpoint: deps.s3Endpoint };
  }

  async fetchInput(input: InputArtifact, folder: string, log: LogSink): Promise<void> {
    const { store } = this.deps;
    const record = (await store.artifacts(store.db, this.spec.job.executionId)).find((r) => r.name === input.name && r.digest === input.digest);
    if (!record) throw new MeridianError('ARTIFACT', `input artifact ${input.name} is no longer recorded for this execution`);
    const { store: regionStore, copied } = await replicateInto(this.spec.artifactStores, record, this.spec.action.region, this.storeOptions);
    if (copied) log.write(describeReplication(input, this.spec.action.region, copied));
    await unzipTo(await regionStore.getVerified(input.digest), folder);
  }

  async storeOutput(name: string, zipFile: string): Promise<void> {
    const { spec } = this;
    const stored = await storeFor(spec.artifactStores, spec.action.region, this.storeOptions).putFile(zipFile);
    await this.deps.store.recordArtifact(this.deps.store.db, {
      executionId: spec.job.executionId,
      name,
      digest: stored.digest,
      size: stored.size,
      region: spec.action.region,
      producedBy: spec.action.name,
    });
  }

  recordProcess(group: ProcessGroup, scratch: string): Promise<void> {
    return recordJobProcess(this.deps.store.db, { jobId: this.spec.job.id, ...group, scratch }, new Date().toISOString());
  }

  forgetProcess(group: ProcessGroup): Promise<void> {
    return forgetJobProcess(this.deps.store.db, this.spec.job.id, group);
  }

  setWaiting(reason: string): Promise<void> {
    return this.deps.engine.setWaiting(this.spec.job, reason);
  }

  async awaitApproval(signal: AbortSignal): Promise<ApprovalOutcome> {
    const pollMs = this.deps.pollMs ?? 250;
    const { job, stage, action } = this.spec;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const answer = await this.deps.store.findApproval(this.deps.store.db, {
        executionId: job.executionId,
        stage,
        action: action.name,
        since: this.spec.approvalSince ?? job.createdAt,
      });
      if (answer) {
        const outcome: ApprovalOutcome = { status: answer.status };
        if (answer.comment !== null) outcome.comment = answer.comment;
        if (answer.by !== null) outcome.by = answer.by;
        return outcome;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
