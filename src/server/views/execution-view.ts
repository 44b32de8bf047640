/**
 * What the dashboard's execution page shows, in one object: the execution summary of
 * DESIGN.md (a superset of it, so a client of the summary can read this too) with, per
 * action, its provider and why it waits; why the execution waits in front of a stage; its
 * artifacts with the regions whose stores hold them; and the source revisions it built.
 */
import type { ExecutionSummary } from '../../domain/execution.js';
import { actionTypeKey, type Pipeline } from '../../domain/pipeline.js';
import { toSummary } from '../../engine/execution-summary.js';
import type { ExecutionSnapshot } from '../../stores/state/records.js';
import type { MeridianCore } from '../context.js';
import { artifactHolders } from './artifact-holders.js';
import type { ActionView, ExecutionView } from './view-types.js';

export async function buildExecutionView(core: Pick<MeridianCore, 'store' | 'db'>, executionId: string): Promise<ExecutionView> {
  const snapshot = await core.store.snapshot(core.db, executionId);
  const summary = toSummary(snapshot);
  const pipeline = snapshot.execution.definition;
  const artifacts = await core.store.artifacts(core.db, executionId);
  return {
    ...summary,
    error: snapshot.execution.error,
    stages: summary.stages.map((stage, stageIndex) => {
      const record = snapshot.stages[stageIndex];
      return {
        ...stage,
        startedAt: record?.startedAt ?? null,
        endedAt: record?.endedAt ?? null,
        actions: stage.actions.map((action, actionIndex) => viewAction(pipeline, snapshot, stageIndex, actionIndex, stage.name, action)),
      };
    }),
    stageWait: await stageWait(core, snapshot),
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
      .map((a) => ({ action: a.name, commitId: a.outputVariables.CommitId ?? null, branch: a.outputVariables.BranchName ?? null, message: a.outputVariables.CommitMessage ?? null })),
    regions: pipeline.regions.map((r) => ({ name: r.name, timezone: r.timezone })),
  };
}

function viewAction(pipeline: Pipeline, snapshot: ExecutionSnapshot, stageIndex: number, actionIndex: number, stage: string, action: ExecutionSummary['stages'][number]['actions'][number]): ActionView {
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
  };
}

/** The last `stage-waiting` event, while the stage it names has not started. */
async function stageWait(core: Pick<MeridianCore, 'db'>, snapshot: ExecutionSnapshot): Promise<ExecutionView['stageWait']> {
  if (snapshot.execution.status !== 'InProgress') return null;
  const row = await core.db
    .selectFrom('events')
    .select(['stage', 'description', 'data'])
    .where('execution_id', '=', snapshot.execution.id)
    .where('type', '=', 'stage-waiting')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const stage = snapshot.stages.find((s) => s.name === row?.stage);
  if (!row || !stage || stage.status !== 'Pending') return null;
  const data = (row.data === null ? {} : JSON.parse(row.data)) as { reason?: string; lockedBy?: string | null };
  return { stage: stage.name, reason: data.reason ?? row.description, lockedBy: data.lockedBy ?? null };
}
