/**
 * Stopping an execution: stop and wait (running actions finish, nothing new starts) or stop
 * and abandon (running actions are abandoned). The running jobs of an abandoned execution
 * whose runner is gone are abandoned by whoever finds them (interrupted-jobs.ts, `abandonJob`).
 */
import { MeridianError } from '../domain/errors.js';
import { checkOneLine } from '../domain/one-line-text.js';
import { stopRequested } from '../domain/stage-errors.js';
import type { EngineCore } from './engine-core.js';

export async function requestStop(core: EngineCore, executionId: string, abandon: boolean, reason?: string): Promise<void> {
  const { store, clock } = core;
  if (reason !== undefined) checkOneLine('the reason for stopping (--reason)', reason);
  await core.write(executionId, async (tx, record) => {
    const execution = await store.getExecution(tx, executionId);
    if (execution.status !== 'InProgress' && execution.status !== 'Stopping') {
      throw new MeridianError('CONFLICT', `execution ${executionId} is ${execution.status}; only an execution in progress can be stopped`);
    }
    if (execution.status === 'Stopping' && !abandon) {
      throw new MeridianError('CONFLICT', `execution ${executionId} is already stopping; pass --abandon to abandon its running actions`);
    }
    // The request is the execution's error from now on (the summary shows it); a second one
    // (--abandon after a stop and wait) without a reason keeps the first one's.
    const earlier = execution.status === 'Stopping' && reason === undefined ? execution.error : null;
    await store.setExecutionStatus(tx, executionId, 'Stopping', clock.now().toISOString(), earlier ?? stopRequested(abandon, reason));
    await store.setStopMode(tx, executionId, abandon ? 'abandon' : 'wait');
    const how = abandon ? 'stop and abandon' : 'stop and wait';
    await record({ type: 'execution-stopping', description: `Stop requested (${how})${reason ? `: ${reason}` : ''}`, data: { status: 'Stopping' } });
  });
}
