/**
 * What the window gate reads besides an execution: overrides an operator gave, and how long
 * an action took in earlier executions (the fit check's estimate when none is declared).
 */
import type { Db } from './state-store.js';

export interface WindowOverride {
  executionId: string;
  region: string;
  by: string;
  reason: string;
  at: string;
}

export async function recordWindowOverride(db: Db, override: WindowOverride): Promise<void> {
  await db
    .insertInto('window_overrides')
    .values({ execution_id: override.executionId, region: override.region, by: override.by, reason: override.reason, at: override.at })
    .onConflict((oc) => oc.columns(['execution_id', 'region']).doUpdateSet({ by: override.by, reason: override.reason, at: override.at }))
    .execute();
}

export async function windowOverrides(db: Db, executionId: string): Promise<WindowOverride[]> {
  const rows = await db.selectFrom('window_overrides').selectAll().where('execution_id', '=', executionId).execute();
  return rows.map((row) => ({ executionId: row.execution_id, region: row.region, by: row.by, reason: row.reason, at: row.at }));
}

/** How many earlier successful runs the median is taken over. */
const SAMPLE = 5;

/** The median duration (ms) of the last successful runs of an action of a pipeline; undefined when it never succeeded. */
export async function medianDuration(db: Db, key: { pipeline: string; stage: string; action: string }): Promise<number | undefined> {
  const rows = await db
    .selectFrom('action_executions')
    .innerJoin('executions', 'executions.id', 'action_executions.execution_id')
    .select(['action_executions.started_at', 'action_executions.ended_at'])
    .where('executions.pipeline', '=', key.pipeline)
    .where('action_executions.stage', '=', key.stage)
    .where('action_executions.name', '=', key.action)
    .where('action_executions.status', '=', 'Succeeded')
    .orderBy('action_executions.ended_at', 'desc')
    .limit(SAMPLE)
    .execute();
  const durations = rows
    .filter((row) => row.started_at !== null && row.ended_at !== null)
    .map((row) => Date.parse(row.ended_at ?? '') - Date.parse(row.started_at ?? ''))
    .sort((a, b) => a - b);
  if (durations.length === 0) return undefined;
  const mid = Math.floor(durations.length / 2);
  return durations.length % 2 === 1 ? durations[mid] : Math.round(((durations[mid - 1] ?? 0) + (durations[mid] ?? 0)) / 2);
}
