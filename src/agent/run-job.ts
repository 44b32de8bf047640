/**
 * One attempt of one action, as the embedded agent runs it: prepare its spec from the state
 * store (variables resolved, inputs by digest), then execute it against this process's
 * stores. A remote agent runs the same executeJob on a spec the server prepared.
 */
import type { Engine, JobOutcome } from '../engine/engine.js';
import type { ParameterReader, SecretReader } from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { JobRecord } from '../stores/state/records.js';
import type { StateStore } from '../stores/state/state-store.js';
import { executeJob } from './execute-job.js';
import { prepareJob } from './job-spec.js';
import { LocalJobHost } from './local-job-host.js';

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
  const spec = await prepareJob(deps.store, job);
  return executeJob(new LocalJobHost(deps, spec), deps.registry, spec, abort);
}
