/** The JSON the API answers with, as the dashboard reads it (docs/server.md). */
export type Role = 'viewer' | 'operator' | 'admin';

export type ExecutionStatus = 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Failed' | 'Superseded' | 'Cancelled';
export type ActionStatus = 'Pending' | 'InProgress' | 'Waiting' | 'Succeeded' | 'Failed' | 'Abandoned' | 'Stopped' | 'Skipped';

export interface Me {
  name: string;
  role: Role;
  canOperate: boolean;
  canAdminister: boolean;
}

export interface Trigger {
  type: string;
  detail?: string;
}

export interface PipelineInfo {
  name: string;
  file: string;
  format: string;
  executionMode: string;
  homeRegion: string;
  regions: Array<{ name: string; timezone: string }>;
  stages: Array<{ name: string; actions: Array<{ name: string; region: string; runOrder: number; type: string }> }>;
  lastExecution: { executionId: string; status: ExecutionStatus; startedAt: string; endedAt: string | null } | null;
}

export interface ExecutionListItem {
  executionId: string;
  pipeline: string;
  status: ExecutionStatus;
  startedAt: string;
  endedAt: string | null;
  trigger: Trigger;
}

export interface ActionError {
  code: string;
  message: string;
}

export interface ActionView {
  name: string;
  stage: string;
  region: string;
  runOrder: number;
  status: ActionStatus;
  startedAt: string | null;
  endedAt: string | null;
  attempts: number;
  outputVariables: Record<string, string>;
  error: ActionError | null;
  provider: string;
  category: string;
  waitingReason: string | null;
  waitingFor: 'window' | 'approval' | null;
  opensAt: string | null;
}

export interface StageView {
  name: string;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  actions: ActionView[];
}

export interface ArtifactView {
  name: string;
  digest: string;
  size: number;
  region: string;
  producedBy: string;
  heldIn: string[];
  unchecked: string[];
}

export interface ExecutionView {
  executionId: string;
  pipeline: string;
  status: ExecutionStatus;
  startedAt: string;
  endedAt: string | null;
  trigger: Trigger;
  error: ActionError | null;
  stages: StageView[];
  stageWait: { stage: string; reason: string; lockedBy: string | null } | null;
  artifacts: ArtifactView[];
  sources: Array<{ action: string; commitId: string | null; branch: string | null; message: string | null }>;
  regions: Array<{ name: string; timezone: string }>;
}

export interface EventRecord {
  id: number;
  executionId: string;
  at: string;
  type: string;
  stage: string | null;
  action: string | null;
  description: string;
  data: Record<string, unknown> | null;
}

export type RegionHealth = 'healthy' | 'failing' | 'deploying' | 'stopped' | 'unknown';

export interface RegionRelease {
  name: string;
  timezone: string;
  release: { executionId: string; at: string | null; commitId: string | null; artifacts: Array<{ name: string; digest: string }> } | null;
  health: { state: RegionHealth; executionId: string | null; at: string | null; detail: string | null };
}

export interface LogLine {
  stage: string;
  action: string;
  region: string;
  attempt: number;
  line: string;
}

export interface PlanWindow {
  opensAt: string;
  closesAt: string;
}

export interface NightRegion {
  name: string;
  timezone: string;
  /** The window texts as declared; empty when the region is always open. */
  windows: Array<{ effect: 'allow' | 'deny'; schedule: string; reason?: string }>;
  openNow: boolean;
  /** The first allowed interval that ends after `at` (null: none within the horizon, or no windows). */
  window: PlanWindow | null;
  /** Allowed intervals within the timeline, clipped to it. */
  intervals: PlanWindow[];
  /** 1-based rollout wave. */
  wave: number;
  /** Expected duration of the region's deploy actions (declared, or the median of past runs), ms. */
  expectedMs: number;
  /** When the region's deploy would start and end if an execution started at `at` (as `meridian plan` estimates). */
  plannedStart: string | null;
  plannedEnd: string | null;
  /** Why there is no estimate. */
  note: string | null;
}

export interface NightPlan {
  pipeline: string;
  at: string;
  from: string;
  to: string;
  windowsConfigured: boolean;
  /** `disruptive-only`: windows hold only disruptive executions; `always`: every one. */
  policy: string;
  regions: NightRegion[];
}
