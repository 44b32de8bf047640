/**
 * Rollbacks in the store: each one a failed stage started (which regions, why, the rollback
 * executions), and the history a rollback reads to find a region's last good release.
 */
import { randomUUID } from 'node:crypto';
import type { Trigger } from '../../domain/execution.js';
import type { Db } from './state-store.js';

export interface RollbackRecord {
  /** The forward execution whose stage failed. */
  executionId: string;
  stageIndex: number;
  stage: string;
  /** The regions rolled back: the forward execution's releases there are not good. */
  regions: string[];
  reason: string;
  requestedAt: string;
  rollbackExecutions: string[];
}

export async function recordRollback(db: Db, rollback: RollbackRecord): Promise<void> {
  await db
    .insertInto('rollbacks')
    .values({
      id: randomUUID(),
      execution_id: rollback.executionId,
      stage_index: rollback.stageIndex,
      stage: rollback.stage,
      regions: JSON.stringify(rollback.regions),
      reason: rollback.reason,
      requested_at: rollback.requestedAt,
      rollback_executions: JSON.stringify(rollback.rollbackExecutions),
    })
    .execute();
}

/**
 * Earlier executions of the pipeline in which every action of the stage in the region
 * succeeded, most recent first: not rollback executions (CodePipeline never rolls back to one),
 * not the execution being rolled back, and not one whose release in that region was itself
 * rolled back. The caller compares artifacts.
 */
export async function goodRunsOfStage(db: Db, key: { pipeline: string; stage: string; region: string; excludeExecution: string }): Promise<string[]> {
  const rows = await db
    .selectFrom('action_executions')
    .innerJoin('executions', 'executions.id', 'action_executions.execution_id')
    .select(['action_executions.execution_id', 'action_executions.status', 'action_executions.ended_at', 'executions.trigger'])
    .where('executions.pipeline', '=', key.pipeline)
    .where('action_executions.stage', '=', key.stage)
    .where('action_executions.region', '=', key.region)
    .where('action_executions.execution_id', '!=', key.excludeExecution)
    .orderBy('action_executions.ended_at', 'desc')
    .limit(500)
    .execute();
  const order: string[] = [];
  const bad = new Set<string>();
  for (const row of rows) {
    if ((JSON.parse(row.trigger) as Trigger).type === 'rollback' || row.status !== 'Succeeded') bad.add(row.execution_id);
    if (!order.includes(row.execution_id)) order.push(row.execution_id);
  }
  const candidates = order.filter((id) => !bad.has(id));
  if (candidates.length === 0) return [];
  const undone = await db
    .selectFrom('rollbacks')
    .select(['execution_id', 'regions'])
    .where('stage', '=', key.stage)
    .where('execution_id', 'in', candidates)
    .execute();
  for (const row of undone) if ((JSON.parse(row.regions) as string[]).includes(key.region)) bad.add(row.execution_id);
  return candidates.filter((id) => !bad.has(id));
}
