/**
 * Stopping an execution: stop and wait (running actions finish, nothing new starts) or stop
 * and abandon (running actions are abandoned). An execution whose driver is gone has no agent
 * left to report, so its running jobs are abandoned here (`abandonOrphans`).
 */
import { MeridianError } from '../domain/errors.js';
import { checkOneLine } from '../domain/one-line-text.js';
import type { JobOutcome } from '../domain/jobs/job-outcome.js';
import type { JobRecord } from '../domain/records.js';
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
    await store.setExecutionStatus(tx, executionId, 'Stopping', clock.now().toISOString());
    await store.setStopMode(tx, executionId, abandon ? 'abandon' : 'wait');
    const how = abandon ? 'stop and abandon' : 'stop and wait';
    await record({ type: 'execution-stopping', description: `Stop requested (${how})${reason ? `: ${reason}` : ''}`, data: { status: 'Stopping' } });
  });
}

/** Abandons the running actions of an execution whose driver is gone (no agent will report). */
export async function abandonOrphans(
  core: EngineCore,
  executionId: string,
  completeJob: (job: JobRecord, outcome: JobOutcome) => Promise<void>,
): Promise<void> {
  const jobs = await core.store.jobs(core.store.db, executionId, 'running');
  for (const job of jobs) {
    await completeJob(job, { status: 'Abandoned', error: { code: 'INTERRUPTED', message: 'abandoned by a stop request' } });
  }
  await core.advance(executionId);
}
