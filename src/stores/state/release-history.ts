/**
 * Where a region's last good release is: the most recent earlier run of the same release
 * action (same pipeline, stage and name, so the same region) that succeeded with a release id
 * other than the one being rolled back.
 */
import type { Db } from './state-store.js';

export interface GoodRelease {
  executionId: string;
  releaseId: string;
}

export async function lastGoodRelease(db: Db, key: { pipeline: string; stage: string; action: string; excludeExecution: string; notReleaseId?: string }): Promise<GoodRelease | undefined> {
  const rows = await db
    .selectFrom('action_executions')
    .innerJoin('executions', 'executions.id', 'action_executions.execution_id')
    .select(['action_executions.execution_id', 'action_executions.output_variables'])
    .where('executions.pipeline', '=', key.pipeline)
    .where('action_executions.stage', '=', key.stage)
    .where('action_executions.name', '=', key.action)
    .where('action_executions.status', '=', 'Succeeded')
    .where('action_executions.execution_id', '!=', key.excludeExecution)
    .orderBy('action_executions.ended_at', 'desc')
    .limit(50)
    .execute();
  for (const row of rows) {
    const releaseId = (JSON.parse(row.output_variables) as Record<string, string>).ReleaseId;
    if (releaseId !== undefined && releaseId !== key.notReleaseId) return { executionId: row.execution_id, releaseId };
  }
  return undefined;
}
