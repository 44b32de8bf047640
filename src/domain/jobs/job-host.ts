/**
 * Where a job runs, seen from executeJob: everything that differs between the embedded agent
 * (stores and state in this process) and a remote agent (the server, over HTTP). The
 * provider code, the work dir layout, timeouts, masking and packing outputs are the same.
 */
import type { ApprovalOutcome, LogSink, ParameterReader, SecretReader } from './host-services.js';
import type { InputArtifact } from './job-spec.js';

/** How an input artifact reached the action's region, when it had to be copied there first. */
export interface Replication {
  from: string;
  bytes: number;
  ms: number;
}

/**
 * A process group one of an attempt's programs leads: its pgid, the host it runs on, and
 * when its leader started (`boot-id:ticks`), which tells it from a later process given the
 * same pid (lib/process-groups.ts reads and ends them).
 */
export interface ProcessGroup {
  pgid: number;
  host: string;
  started: string;
}

export interface JobHost {
  /** Folder for work dirs, caches, temporary files and the `meridian` shim (providers see it as `stateDir`). */
  readonly root: string;
  /** Where this attempt's log is written. */
  readonly logFile: string;
  /** Every log line, masked, after it was written (a remote agent ships them to the server). */
  onLogLine?(line: string): void;
  /** Unpacks an input artifact, taken from the action's own region's store, into `folder`. */
  fetchInput(input: InputArtifact, folder: string, log: LogSink): Promise<void>;
  /** Stores the zip of output artifact `name` in the action's region's store and records it. */
  storeOutput(name: string, zipFile: string): Promise<void>;
  readonly parameters: ParameterReader;
  readonly secrets: SecretReader;
  setWaiting(reason: string): Promise<void>;
  awaitApproval(signal: AbortSignal): Promise<ApprovalOutcome>;
  /**
   * Records a process group of the attempt, and its scratch folder, with the job while it
   * runs: if this process dies, whoever takes the job over ends the group and removes the
   * folder before the action runs again. The embedded agent's host records them in the state
   * database; a remote agent's in its work dir, for the next agent started there (the server
   * cannot reach its machine; a live agent ends its own groups when it loses the lease).
   */
  recordProcess?(group: ProcessGroup, scratch: string): Promise<void>;
  /** The group ended on its own: nothing to end any more. */
  forgetProcess?(group: ProcessGroup): Promise<void>;
}

export function describeReplication(input: InputArtifact, to: string, copy: Replication): string {
  return `Replicated ${input.name} (${input.digest.slice(0, 12)}, ${formatBytes(copy.bytes)}) from ${copy.from} to ${to} in ${copy.ms} ms\n`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
