/**
 * Jobs whose runner is gone: one held by a process that died, found when its execution is
 * adopted (`recoverJob`, dispatch/adopt-unfinished.ts), or one whose agent stopped renewing
 * its lease (`loseJob`, dispatch/lease-expiry.ts). The action runs again when its provider is
 * safe to repeat, else it fails, to be retried by an operator; when its execution is being
 * stopped with abandon, it is abandoned (`abandonJob`).
 */
import type { JobOutcome } from '../domain/jobs/job-outcome.js';
import type { ActionRecord, JobRecord } from '../domain/records.js';
import { reclaimJob } from '../stores/state/adoption-records.js';
import type { Db } from '../stores/state/state-store.js';
import { endAttemptLeftovers, recordLeftovers } from './attempt-leftovers.js';
import type { EngineCore } from './engine-core.js';
import type { Recorder } from './execution-writes.js';
import type { JobQueue } from './job-queue.js';

export class InterruptedJobs {
  constructor(private readonly deps: { core: EngineCore; jobs: JobQueue }) {}

  /**
   * Re-queues an interrupted job (provider safe to repeat) or fails its action. False (and
   * nothing changed) when the job is no longer as `job` says: it ended, or its lease was
   * renewed or taken by someone else meanwhile.
   */
  async recoverJob(job: JobRecord, repeatable: boolean): Promise<boolean> {
    const { store, clock, write } = this.deps.core;
    // Before the next attempt can start: the dead holder's programs still run.
    const leftovers = await endAttemptLeftovers(store.db, job);
    const recovered = await write(job.executionId, async (tx, record) => {
      if (!(await reclaimJob(tx, job))) return false;
      const action = await store.getAction(tx, keyOf(job));
      await recordLeftovers(record, action, job, leftovers);
      await this.runAgainOrFail(tx, job, action, repeatable, clock.now().toISOString(), record, {
        requeued: 'was interrupted',
        failure: `interrupted while running and not safe to repeat; retry the stage with \`meridian retry ${job.executionId}\``,
      });
      return true;
    });
    if (recovered) await this.deps.core.advance(job.executionId);
    return recovered;
  }

  /**
   * A job whose agent stopped renewing its lease before `now` (it died, or lost the server):
   * it runs again when its provider is safe to repeat, else its action fails with "agent
   * lost". False when the lease was renewed, or the job reported, in the meantime.
   */
  async loseJob(job: JobRecord, repeatable: boolean, now: string): Promise<boolean> {
    const { store, clock, write } = this.deps.core;
    const leftovers = await endAttemptLeftovers(store.db, job);
    const lost = await write(job.executionId, async (tx, record) => {
      if (!(await store.expireLease(tx, job.id, now))) return false;
      const action = await store.getAction(tx, keyOf(job));
      const agent = job.leaseOwner ?? 'unknown';
      await record({
        type: 'lease-expired',
        stage: action.stage,
        action: action.name,
        description: `${action.name} (${action.region}): agent ${agent} stopped renewing its lease (attempt ${job.attempt})`,
        data: { region: action.region, agent, attempt: job.attempt },
      });
      await recordLeftovers(record, action, job, leftovers);
      await this.runAgainOrFail(tx, job, action, repeatable, clock.now().toISOString(), record, {
        requeued: 'lost its agent',
        failure: `agent lost: ${agent} stopped renewing its lease while running ${action.name}, which is not safe to repeat; retry the stage with \`meridian retry ${job.executionId}\``,
      });
      return true;
    });
    if (lost) await this.deps.core.advance(job.executionId);
    return lost;
  }

  /**
   * A running job of an execution stopped with abandon, whose runner is gone: what its attempt
   * left running on this host is ended first (and recorded), so abandoning the action stops
   * its programs now rather than at this host's next start; then it is `complete`d as Abandoned.
   */
  async abandonJob(job: JobRecord, message: string, complete: (outcome: JobOutcome) => Promise<void>): Promise<void> {
    const { store, write } = this.deps.core;
    const leftovers = await endAttemptLeftovers(store.db, job);
    if (leftovers.ended.length > 0 || leftovers.elsewhere.length > 0) {
      await write(job.executionId, async (tx, record) => {
        const action = await store.getAction(tx, keyOf(job));
        await recordLeftovers(record, action, job, leftovers);
      });
    }
    await complete({ status: 'Abandoned', error: { code: 'INTERRUPTED', message } });
  }

  /** Queues the action's next attempt (handed on from the interrupted one) when `repeatable`, else fails it with `say.failure`. */
  private async runAgainOrFail(
    tx: Db,
    job: JobRecord,
    action: ActionRecord,
    repeatable: boolean,
    at: string,
    record: Recorder,
    say: { requeued: string; failure: string },
  ): Promise<void> {
    const key = keyOf(job);
    if (repeatable) {
      await this.deps.jobs.queueAttempt(tx, key, action.region, action.attempts + 1, at, true);
      await record({
        type: 'action-requeued',
        stage: action.stage,
        action: action.name,
        description: `${action.name} ${say.requeued}; running it again (attempt ${action.attempts + 1})`,
        data: { status: 'InProgress', region: action.region },
      });
      return;
    }
    const error = { code: 'INTERRUPTED', message: say.failure };
    await this.deps.core.store.updateAction(tx, key, { status: 'Failed', endedAt: at, error, waitingReason: null });
    await record({
      type: 'action-finished',
      stage: action.stage,
      action: action.name,
      description: `${action.name} failed: ${error.message}`,
      data: { status: 'Failed', region: action.region },
    });
  }
}

function keyOf(job: JobRecord): { executionId: string; stageIndex: number; actionIndex: number } {
  return { executionId: job.executionId, stageIndex: job.stageIndex, actionIndex: job.actionIndex };
}
