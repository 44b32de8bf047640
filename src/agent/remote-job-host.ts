/**
 * A remote agent's side of a job: everything goes through the server, for the job this agent
 * holds. Inputs come from the server (which replicated them into this agent's region first),
 * outputs go to it (into this region's store), parameters and secrets are read through it
 * (it refuses another region's), and the log is kept in the agent's work dir and shipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ApprovalOutcome, LogSink, ParameterReader, SecretReader } from '../domain/jobs/host-services.js';
import { sha256File } from '../stores/artifacts/blob-io.js';
import { unzipTo } from '../stores/artifacts/zip.js';
import { actionLogPath } from '../stores/logs/action-log.js';
import type { AgentClient } from './agent-client.js';
import { describeReplication, type JobHost, type ProcessGroup } from '../domain/jobs/job-host.js';
import { AgentLedger } from './agent-ledger.js';
import type { InputArtifact, JobSpec } from '../domain/jobs/job-spec.js';
import type { LogShipper } from './log-shipper.js';

export class RemoteJobHost implements JobHost {
  readonly logFile: string;
  readonly parameters: ParameterReader;
  readonly secrets: SecretReader;
  private readonly ledger: AgentLedger;

  constructor(
    private readonly client: AgentClient,
    private readonly spec: JobSpec,
    readonly root: string,
    private readonly shipper: LogShipper,
    /** How often to ask whether a manual approval was answered. */
    private readonly approvalPollMs = 1000,
  ) {
    const { job } = spec;
    this.logFile = actionLogPath(root, job.executionId, spec.stage, spec.action.name, job.attempt);
    this.parameters = { get: (name) => client.parameter(job.id, name) };
    this.secrets = { get: (reference) => client.secret(job.id, reference) };
    this.ledger = new AgentLedger(root, client.agentId);
  }

  /** In the work dir's ledger: the server cannot end a group on this machine, the next agent here can. */
  recordProcess(group: ProcessGroup, scratch: string): Promise<void> {
    this.ledger.record(this.spec.job.id, group, scratch);
    return Promise.resolve();
  }

  forgetProcess(group: ProcessGroup): Promise<void> {
    this.ledger.forget(this.spec.job.id, group);
    return Promise.resolve();
  }

  onLogLine(line: string): void {
    this.shipper.push(line);
  }

  async fetchInput(input: InputArtifact, folder: string, log: LogSink): Promise<void> {
    const tmp = path.join(this.root, 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    const file = path.join(tmp, `${randomUUID()}.zip`);
    try {
      const { replicated } = await this.client.input(this.spec.job.id, input.name, input.digest, file);
      if (replicated) log.write(describeReplication(input, this.spec.action.region, replicated));
      await unzipTo(file, folder);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  async storeOutput(name: string, zipFile: string): Promise<void> {
    await this.client.output(this.spec.job.id, name, zipFile, await sha256File(zipFile));
  }

  setWaiting(reason: string): Promise<void> {
    return this.client.waiting(this.spec.job.id, reason);
  }

  async awaitApproval(signal: AbortSignal): Promise<ApprovalOutcome> {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const answer = await this.client.approval(this.spec.job.id);
      if (answer) return answer;
      await new Promise((resolve) => setTimeout(resolve, this.approvalPollMs));
    }
  }
}
