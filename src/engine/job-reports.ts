/**
 * What agents report about the jobs they hold: a job waits (a manual approval, `setWaiting`),
 * or it ended (`completeJobs`). The ends of several jobs of one execution are recorded in one
 * transaction, late reports of jobs already settled are ignored, and the execution moves on
 * once nothing of the stage runs any more (at once in region lanes and rollout stages).
 */
import { MeridianError } from '../domain/errors.js';
import type { JobOutcome } from '../domain/jobs/job-outcome.js';
import type { JobRecord } from '../domain/records.js';
import { mayRunInLanes } from '../domain/region-lanes.js';
import type { Db } from '../stores/state/state-store.js';
import type { EngineCore } from './engine-core.js';
import type { ExecutionAdvance } from './execution-advance.js';
import type { Recorder } from './execution-writes.js';

export interface JobReport {
  job: JobRecord;
  outcome: JobOutcome;
}

export class JobReports {
  constructor(private readonly deps: { core: EngineCore; advance: ExecutionAdvance }) {}

  async setWaiting(job: Pick<JobRecord, 'executionId' | 'stageIndex' | 'actionIndex'>, reason: string): Promise<void> {
    const { store, write } = this.deps.core;
    await write(job.executionId, async (tx, record) => {
      const key = { executionId: job.executionId, stageIndex: job.stageIndex, actionIndex: job.actionIndex };
      const action = await store.getAction(tx, key);
      await store.updateAction(tx, key, { status: 'Waiting', waitingReason: reason });
      await record({
        type: 'action-waiting',
        stage: action.stage,
        action: action.name,
        description: `${action.name} is waiting: ${reason}`,
        data: { status: 'Waiting', region: action.region },
      });
    });
  }

  /**
   * Several jobs of one execution that ended at about the same time (agent/report-queue.ts):
   * recorded in one transaction, so the execution is locked once for all of them.
   */
  async completeJobs(reports: JobReport[]): Promise<void> {
    const executionId = reports[0]?.job.executionId;
    if (executionId === undefined) return;
    const { store } = this.deps.core;
    await this.deps.advance.writeAndFollow(executionId, async (tx, record) => {
      const stages = new Set<number>();
      for (const { job } of await this.recordOutcomes(tx, executionId, reports, record)) stages.add(job.stageIndex);
      // While others of its stage still run, nothing can change (nextStep would say `wait`):
      // skip reading the whole execution once per finished action.
      // (In a rollout stage each region moves on by itself, so it may.)
      const definition = await store.definition(tx, executionId);
      for (const stageIndex of stages) {
        // (Nor in region lanes: each lane moves on by itself.)
        const stage = definition.stages[stageIndex];
        if ((stage !== undefined && mayRunInLanes(definition, stage)) || (await store.countRunning(tx, executionId, stageIndex)) === 0)
          return this.deps.advance.advanceIn(tx, executionId, record);
      }
      return false;
    });
  }

  /** Jobs' ends, in the caller's transaction, in a few statements; returns the reports recorded (late reports of jobs already settled are left out). */
  private async recordOutcomes(tx: Db, executionId: string, reports: JobReport[], record: Recorder): Promise<JobReport[]> {
    const { store, clock } = this.deps.core;
    const finished = await store.finishJobs(
      tx,
      reports.map(({ job }) => job.id),
    );
    const settled = reports.filter(({ job }) => finished.has(job.id));
    const at = clock.now().toISOString();
    const ended = await store.endActions(
      tx,
      executionId,
      settled.map(({ job, outcome }) => ({
        stageIndex: job.stageIndex,
        actionIndex: job.actionIndex,
        end: {
          status: outcome.status,
          endedAt: at,
          outputVariables: outcome.outputVariables ?? {},
          error: outcome.error ?? null,
          reports: outcome.reports ?? null,
        },
      })),
    );
    const actions = new Map(ended.map((action) => [`${action.stageIndex}/${action.actionIndex}`, action]));
    for (const { job, outcome } of settled) {
      const action = actions.get(`${job.stageIndex}/${job.actionIndex}`);
      if (!action) throw new MeridianError('INTERNAL', `job ${job.id} names an action that is not in execution ${job.executionId}`);
      const took = action.startedAt ? ` in ${formatDuration(Date.parse(at) - Date.parse(action.startedAt))}` : '';
      const why = outcome.error ? `: ${outcome.error.message}` : outcome.summary ? ` (${outcome.summary})` : '';
      await record({
        type: 'action-finished',
        stage: action.stage,
        action: action.name,
        description: `${action.name} (${action.region}) ${outcome.status.toLowerCase()}${took}${why}`,
        data: { status: outcome.status, region: action.region, attempt: job.attempt },
      });
    }
    return settled;
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms % 60_000) / 1000)}s`;
}
