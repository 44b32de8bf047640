/**
 * The JSON the API answers with, as the dashboard reads it (docs/server.md). The server's own
 * declarations are imported, type-only, from files that import nothing but the domain model
 * (src/server/views/view-types.ts, plan-view.ts, the state store's records), so Vite bundles
 * none of the server and the browser build needs no Node types. What is left here the server
 * answers with inline objects (routes/me.ts, pipelines.ts, executions.ts, logs.ts).
 */
import type { ExecutionStatus, Trigger } from '../../../src/domain/execution.js';

export type { ActionError, ActionStatus, ExecutionStatus, StageStatus, Trigger } from '../../../src/domain/execution.js';
export type { PlanWindow } from '../../../src/domain/plan-windows.js';
export type { LanePlan, LanePlanStep } from '../../../src/domain/lane-plan.js';
export type { PlanView, PlanRegion } from '../../../src/server/views/plan-view.js';
export type {
  ActionView,
  ArtifactView,
  ExecutionView,
  RegionHealth,
  RegionRelease,
  StageOrder,
  StageView,
  WaitKind,
  WaitsFor,
} from '../../../src/server/views/view-types.js';
export type { EventRecord } from '../../../src/domain/records.js';

export type Role = 'viewer' | 'operator' | 'admin';

export interface Me {
  name: string;
  role: Role;
  canOperate: boolean;
  canAdminister: boolean;
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

export interface LogLine {
  stage: string;
  action: string;
  region: string;
  attempt: number;
  line: string;
}
