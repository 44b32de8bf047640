/**
 * Actions and stages that never started in an execution that has ended (failed before it
 * began, superseded, finished) are reported as Skipped.
 */
import type { Db, StateStore } from '../stores/state/state-store.js';

export async function skipPending(store: StateStore, tx: Db, executionId: string, at: string): Promise<void> {
  const snapshot = await store.snapshot(tx, executionId);
  for (const action of snapshot.actions.filter((a) => a.status === 'Pending')) {
    await store.updateAction(tx, { executionId, stageIndex: action.stageIndex, actionIndex: action.actionIndex }, { status: 'Skipped' });
  }
  for (const stage of snapshot.stages.filter((s) => s.status === 'Pending')) {
    await store.setStageStatus(tx, executionId, stage.index, 'Skipped', at);
  }
}
