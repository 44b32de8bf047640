/**
 * Starting a rollback, inside the transaction that failed the stage: the request is recorded,
 * the rollback executions (rollback.ts) are created with the artifacts they read, and the
 * failed execution says what went back where. All of it commits with the failure or not at
 * all; the engine takes the rollbacks' first steps after the commit, and a process that dies
 * before that leaves them InProgress, to be adopted like any other unfinished execution.
 */
import { randomUUID } from 'node:crypto';
import type { RolledBack, Trigger } from '../domain/execution.js';
import { recordRollback } from '../stores/state/rollback-records.js';
import type { Db, NewEvent, StateStore } from '../stores/state/state-store.js';
import { planRollback } from './rollback.js';

export interface RollbackRequest {
  /** The forward execution whose stage failed. */
  executionId: string;
  stageIndex: number;
  stage: string;
  regions: string[];
  reason: string;
  /** A manual rollback's `--to`: every region goes back to this execution. */
  target?: string;
}

/** Creates the rollback executions; resolves with their ids and what each region goes back to. */
export async function startRollback(
  tx: Db,
  deps: { store: StateStore; owner: string; at: string },
  request: RollbackRequest,
  record: (event: NewEvent, about?: string) => Promise<void>,
): Promise<{ ids: string[]; rolledBack: RolledBack[] }> {
  const { store, owner, at } = deps;
  const forward = await store.snapshot(tx, request.executionId);
  const plan = await planRollback(store, tx, forward, request.stageIndex, request.regions, request.target);
  const ids: string[] = [];
  const rolledBack: RolledBack[] = [];
  for (const group of plan.groups) {
    const id = randomUUID();
    for (const region of group.regions) {
      const release = group.releases[region];
      rolledBack.push({ region, execution: group.target, ...(release === undefined ? {} : { release }), rollbackExecution: id });
    }
    const back = group.regions
      .map((region) => `${region} back to ${group.releases[region] === undefined ? `execution ${group.target}` : `release ${group.releases[region]}`}`)
      .join(', ');
    const trigger: Trigger = { type: 'rollback', detail: `${back}, after execution ${request.executionId}: ${request.reason}` };
    await store.createExecution(tx, { id, pipeline: group.pipeline, trigger, context: group.context, at, owner });
    for (const artifact of group.artifacts) await store.recordArtifact(tx, { ...artifact, executionId: id });
    await record({ type: 'execution-started', description: `Execution ${id} of ${group.pipeline.name} started (rollback: ${trigger.detail ?? ''})` }, id);
    await record({
      type: 'rollback-started',
      stage: request.stage,
      description: `Rollback ${id} started: ${back}`,
      data: { rollbackExecution: id, target: group.target, regions: group.regions, releases: group.releases },
    });
    ids.push(id);
  }
  for (const region of plan.without) rolledBack.push({ region, execution: null });
  if (plan.without.length > 0) {
    await record({
      type: 'rollback-started',
      stage: request.stage,
      description: `Nothing rolled back in ${plan.without.join(', ')}: no earlier good run of stage ${request.stage} there`,
      data: { rollbackExecution: null, without: plan.without },
    });
  }
  await recordRollback(tx, {
    executionId: request.executionId,
    stageIndex: request.stageIndex,
    stage: request.stage,
    regions: request.regions,
    reason: request.reason,
    requestedAt: at,
    rollbackExecutions: ids,
  });
  return { ids, rolledBack };
}
