/**
 * Jobs handed to agents: starting an attempt of an action records it in the store and queues
 * its job in the same transaction, a few statements for a whole stage. Agents claim the jobs
 * (engine/dispatch/) and report through job-reports.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Db, StateStore } from '../stores/state/state-store.js';

/** One action's next attempt. */
export interface AttemptStart {
  actionIndex: number;
  region: string;
  attempt: number;
}

export class JobQueue {
  constructor(private readonly store: StateStore) {}

  /** `handedOn`: the attempt continues a run interrupted by a lost agent or process (its start stays: an approval waits on from it). */
  async queueAttempt(
    tx: Db,
    key: { executionId: string; stageIndex: number; actionIndex: number },
    region: string,
    attempt: number,
    at: string,
    handedOn = false,
  ): Promise<void> {
    await this.queueAttempts(tx, key.executionId, key.stageIndex, [{ actionIndex: key.actionIndex, region, attempt }], at, handedOn);
  }

  /** Starts attempts of actions of one stage and queues their jobs: a few statements for the whole stage. */
  async queueAttempts(tx: Db, executionId: string, stageIndex: number, starts: AttemptStart[], at: string, handedOn = false): Promise<void> {
    if (starts.length === 0) return;
    await this.store.startAttempts(tx, executionId, stageIndex, starts, at, handedOn);
    await this.store.enqueueJobs(
      tx,
      starts.map(({ actionIndex, region, attempt }) => ({ id: randomUUID(), executionId, stageIndex, actionIndex, attempt, region, createdAt: at })),
    );
  }
}
