/**
 * The shapes of the dashboard's views, as the API answers them. Types only, importing only
 * the domain model: the dashboard (web/src/api/types.ts) imports them without pulling the
 * server, its stores or Node's types into the browser build.
 */
import type { ExecutionSummary, StageError } from '../../domain/execution.js';
import type { StageOrder } from '../../domain/region-lanes.js';
import type { WaitsFor } from '../../domain/waits-for.js';

export type { StageOrder } from '../../domain/region-lanes.js';
export type { WaitKind, WaitsFor } from '../../domain/waits-for.js';

type SummaryAction = ExecutionSummary['stages'][number]['actions'][number];

export interface ActionView extends SummaryAction {
  stage: string;
  /** `Category/Owner/Provider`. */
  provider: string;
  category: string;
  waitingReason: string | null;
  /** `window` while waiting for the region's deployment window, `approval` for an answer. */
  waitingFor: 'window' | 'halt' | 'approval' | null;
  opensAt: string | null;
  /*
   * The server always sets the two below; optional so that a view made by hand (a test, a
   * client of an older server) still reads as one: an absent lane is the action's region, an absent waitsFor null.
   */
  /** Its region lane (domain/region-lanes.ts), null for a stage-wide action. */
  lane?: string | null;
  /** What it waits for while it has not started (domain/waits-for.ts), else null. */
  waitsFor?: WaitsFor | null;
}

export type StageView = Omit<ExecutionSummary['stages'][number], 'actions' | 'error'> & {
  startedAt: string | null;
  endedAt: string | null;
  /** Why it failed or stopped (always set by the server; absent, from a view made by hand or an older server: none). */
  error?: StageError | null;
  /** How its runOrders go for this execution: in region lanes, stage-wide, or by rollout waves; null for a stage of one region (always set by the server; absent: null). */
  lanes?: StageOrder | null;
  actions: ActionView[];
};

/** Which regions' artifact stores hold a digest (views/artifact-holders.ts). */
export interface Holders {
  /** Regions whose store holds the digest. */
  heldIn: string[];
  /** Regions whose store could not be asked (S3). */
  unchecked: string[];
}

export type ArtifactView = { name: string; digest: string; size: number; region: string; producedBy: string } & Holders;

export interface ExecutionView extends Omit<ExecutionSummary, 'stages'> {
  stages: StageView[];
  /** The execution waits to enter this stage (execution modes: another execution holds it). */
  stageWait: { stage: string; reason: string; lockedBy: string | null } | null;
  artifacts: ArtifactView[];
  sources: Array<{ action: string; commitId: string | null; branch: string | null; message: string | null }>;
  regions: Array<{ name: string; timezone: string }>;
}

export type RegionHealth = 'healthy' | 'failing' | 'deploying' | 'stopped' | 'unknown';

export interface RegionRelease {
  name: string;
  timezone: string;
  release: { executionId: string; at: string | null; commitId: string | null; artifacts: Array<{ name: string; digest: string }> } | null;
  health: { state: RegionHealth; executionId: string | null; at: string | null; detail: string | null };
}
