/**
 * What an agent needs to run one job, worked out by the engine where the state store is: the
 * action with its `#{...}` references resolved, the artifacts it reads (by digest), the
 * commits they came from, and its timeout. The in-process agent gets it from the engine's
 * job source; a remote agent receives it from the server when it claims the job. A job that
 * cannot run (an unresolved variable, a missing input) still gets a spec, with the `problem`
 * the agent reports as its failure.
 */
import type { ErrorCode } from '../errors.js';
import type { Action, Pipeline } from '../pipeline.js';
import type { JobRecord, SourceOverride } from '../records.js';

export interface InputArtifact {
  name: string;
  digest: string;
  size: number;
}

export interface JobSpec {
  job: Pick<JobRecord, 'id' | 'executionId' | 'stageIndex' | 'actionIndex' | 'attempt' | 'region' | 'createdAt'>;
  pipeline: string;
  stage: string;
  /** Resolved; as declared when there is a `problem`. */
  action: Action;
  inputs: InputArtifact[];
  /** Input artifact name -> the commit it was built from, when known. */
  inputRevisions: Record<string, string>;
  resources: Pipeline['resources'];
  /** Region -> artifact store location of this execution (a remote agent gets its own region's only). */
  artifactStores: Record<string, string>;
  sourceOverride?: SourceOverride;
  timeoutMs: number;
  /**
   * A manual approval: answers given since then count, and its timeout runs from then. The
   * action's start, kept when its job is handed on (a lost agent), so an approval waits on
   * where the lost attempt left off instead of starting over.
   */
  approvalSince?: string;
  problem?: { code: ErrorCode; message: string };
  /** Values the agent masks in all it shows or stores: SecureString template parameters the action references. */
  masked?: string[];
}
