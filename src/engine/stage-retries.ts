/**
 * RetryStageExecution: an operator re-runs the failed (or stopped) stage of a Failed or
 * Stopped execution, same id, its failed actions (FAILED_ACTIONS) or all of them
 * (ALL_ACTIONS); the later stages run again after it. Refused under SUPERSEDED and QUEUED
 * once a later execution entered that stage, and in every mode once a later execution started
 * from a pipeline whose structure (stages and actions) differs from this one's.
 */
import { MeridianError } from '../domain/errors.js';
import { structureOf } from '../domain/pipeline-structure.js';
import type { EngineCore } from './engine-core.js';

export interface RetryOptions {
  /** The stage to retry; by default the failed or stopped one. */
  stage?: string;
  mode: 'failed' | 'all';
}

/** Resolves with the name of the stage retried. */
export async function retryStage(core: EngineCore, executionId: string, options: RetryOptions): Promise<string> {
  const { store, clock, owner } = core;
  const stageName = await core.write(executionId, async (tx, record) => {
    const snapshot = await store.snapshot(tx, executionId);
    const { execution } = snapshot;
    if (execution.status !== 'Failed' && execution.status !== 'Stopped') {
      throw new MeridianError('CONFLICT', `execution ${executionId} is ${execution.status}; only a Failed or Stopped execution can be retried`);
    }
    const stage = options.stage
      ? snapshot.stages.find((s) => s.name === options.stage)
      : snapshot.stages.find((s) => s.status === 'Failed' || s.status === 'Stopped');
    if (!stage) {
      const names = snapshot.stages.map((s) => `${s.name} (${s.status})`).join(', ');
      throw new MeridianError('BAD_INPUT', options.stage ? `no stage ${options.stage}; stages: ${names}` : `no failed stage to retry; stages: ${names}`);
    }
    if (stage.status !== 'Failed' && stage.status !== 'Stopped') {
      throw new MeridianError('CONFLICT', `stage ${stage.name} is ${stage.status}; only a Failed or Stopped stage can be retried`);
    }
    if (execution.definition.executionMode !== 'PARALLEL') {
      const later = await store.laterEntrant(tx, execution.pipeline, execution.seq, stage.index);
      if (later !== undefined) {
        throw new MeridianError(
          'CONFLICT',
          `execution ${later} entered stage ${stage.name} after this one, so this execution can no longer be retried there (${execution.definition.executionMode}); start a new execution instead`,
        );
      }
    }
    const [latest] = (await store.listExecutions(tx, { pipeline: execution.pipeline, limit: 20 })).filter((e) => e.trigger.type !== 'rollback');
    if (latest && latest.seq > execution.seq && structureOf(latest.definition) !== structureOf(execution.definition)) {
      throw new MeridianError(
        'CONFLICT',
        `the structure of pipeline ${execution.pipeline} changed since execution ${executionId} (execution ${latest.id} runs the new one), so it can no longer be retried; start a new execution instead`,
      );
    }
    const at = clock.now().toISOString();
    for (const action of snapshot.actions) {
      const key = { executionId, stageIndex: action.stageIndex, actionIndex: action.actionIndex };
      const inStage = action.stageIndex === stage.index;
      const reset = inStage ? options.mode === 'all' || action.status !== 'Succeeded' : action.stageIndex > stage.index;
      if (reset) await store.updateAction(tx, key, { status: 'Pending', endedAt: null, error: null, waitingReason: null });
    }
    for (const later of snapshot.stages.filter((s) => s.index > stage.index)) {
      await store.setStageStatus(tx, executionId, later.index, 'Pending', at);
    }
    await store.setStageStatus(tx, executionId, stage.index, 'InProgress', at);
    await store.setExecutionStatus(tx, executionId, 'InProgress', at);
    await store.setStopMode(tx, executionId, null);
    await store.setOwner(tx, executionId, owner);
    await record({
      type: 'stage-retried',
      stage: stage.name,
      description: `Stage ${stage.name} retried (${options.mode === 'all' ? 'ALL_ACTIONS' : 'FAILED_ACTIONS'})`,
      data: { status: 'InProgress' },
    });
    return stage.name;
  });
  await core.advance(executionId);
  return stageName;
}
