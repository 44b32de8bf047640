/**
 * What the dashboard's execution page shows, in one object: the execution summary of
 * docs/server.md (a superset of it, so a client of the summary can read this too) with, per
 * action, its provider, its region lane and what it waits for (domain/waits-for.ts); per
 * stage, whether it runs in region lanes for this execution; why the execution waits in front
 * of a stage; its artifacts with the regions whose stores hold them; and the source revisions
 * it built.
 */
import type { ExecutionSummary } from '../../domain/execution.js';
import { actionTypeKey, type Pipeline } from '../../domain/pipeline.js';
import { laneOf, type StageOrder } from '../../domain/region-lanes.js';
import { waitsFor, type WaitsFor } from '../../domain/waits-for.js';
import { toSummary } from '../../engine/execution-summary.js';
import { stageOrder } from '../../engine/window-waits.js';
import type { ExecutionSnapshot } from '../../domain/records.js';
import type { Meridian } from '../../meridian.js';
import { lastEvent } from '../../stores/state/event-records.js';
import { artifactHolders } from './artifact-holders.js';
import type { ActionView, ExecutionView } from './view-types.js';

export async function buildExecutionView(core: Pick<Meridian, 'store' | 'db'>, executionId: string): Promise<ExecutionView> {
  const snapshot = await core.store.snapshot(core.db, executionId);
  const summary = toSummary(snapshot);
  const pipeline = snapshot.execution.definition;
  const artifacts = await core.store.artifacts(core.db, executionId);
  const wait = await stageWait(core, snapshot);
  const orders = summary.stages.map((_, stageIndex) => stageOrder(snapshot, stageIndex).order);
  const stages = summary.stages.map((stage, stageIndex) => ({
    ...stage,
    startedAt: snapshot.stages[stageIndex]?.startedAt ?? null,
    endedAt: snapshot.stages[stageIndex]?.endedAt ?? null,
    actions: stage.actions.map((action, actionIndex) => viewAction(pipeline, snapshot, stageIndex, actionIndex, stage.name, action)),
  }));
  const waits = waitsFor({
    status: snapshot.execution.status,
    regions: pipeline.regions,
    stages: stages.map((stage, stageIndex) => ({
      name: stage.name,
      status: stage.status,
      order: orders[stageIndex] ?? 'stage',
      onLaneFailure: pipeline.stages[stageIndex]?.onLaneFailure,
      actions: stage.actions,
    })),
    rollout: pipeline.rollout ?? null,
    stageWait: wait,
  });
  return {
    ...summary,
    stages: stages.map((stage, stageIndex) => ({
      ...stage,
      lanes: lanesOf(stage.actions, orders[stageIndex] ?? 'stage'),
      actions: stage.actions.map((action, actionIndex): ActionView => ({ ...action, waitsFor: waits[stageIndex]?.[actionIndex] ?? null })),
    })),
    stageWait: wait,
    artifacts: await Promise.all(
      artifacts.map(async (artifact) => ({
        name: artifact.name,
        digest: artifact.digest,
        size: artifact.size,
        region: artifact.region,
        producedBy: artifact.producedBy,
        ...(await artifactHolders(snapshot.execution.context.stores, artifact.digest)),
      })),
    ),
    sources: snapshot.actions
      .filter((a) => pipeline.stages[a.stageIndex]?.actions[a.actionIndex]?.type.category === 'Source')
      .map((a) => ({
        action: a.name,
        commitId: a.outputVariables.CommitId ?? null,
        branch: a.outputVariables.BranchName ?? null,
        message: a.outputVariables.CommitMessage ?? null,
      })),
    regions: pipeline.regions.map((r) => ({ name: r.name, timezone: r.timezone })),
  };
}

/** A stage of one region has no lanes to show: null. */
function lanesOf(actions: readonly ActionView[], order: StageOrder): StageOrder | null {
  return new Set(actions.map((a) => a.region)).size < 2 ? null : order;
}

function viewAction(
  pipeline: Pipeline,
  snapshot: ExecutionSnapshot,
  stageIndex: number,
  actionIndex: number,
  stage: string,
  action: ExecutionSummary['stages'][number]['actions'][number],
): ActionView & { lane: string | null; waitsFor: WaitsFor | null } {
  const declared = pipeline.stages[stageIndex]?.actions[actionIndex];
  const record = snapshot.actions.find((a) => a.stageIndex === stageIndex && a.actionIndex === actionIndex);
  const waiting = record?.status === 'Waiting';
  const category = declared?.type.category ?? '';
  return {
    ...action,
    stage,
    provider: declared ? actionTypeKey(declared.type) : '',
    category,
    waitingReason: waiting ? (record.waitingReason ?? null) : null,
    waitingFor: !waiting ? null : record.waitingFor !== null ? record.waitingFor : category === 'Approval' ? 'approval' : null,
    opensAt: waiting ? record.opensAt : null,
    lane: declared ? laneOf(declared) : action.region,
    waitsFor: null,
  };
}

/** The last `stage-waiting` event, while the stage it names has not started. */
async function stageWait(core: Pick<Meridian, 'db'>, snapshot: ExecutionSnapshot): Promise<ExecutionView['stageWait']> {
  if (snapshot.execution.status !== 'InProgress') return null;
  const row = await lastEvent(core.db, snapshot.execution.id, 'stage-waiting');
  const stage = snapshot.stages.find((s) => s.name === row?.stage);
  if (!row || !stage || stage.status !== 'Pending') return null;
  const data = (row.data ?? {}) as { reason?: string; lockedBy?: string | null };
  return { stage: stage.name, reason: data.reason ?? row.description, lockedBy: data.lockedBy ?? null };
}
