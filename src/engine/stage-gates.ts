/**
 * The execution mode's gate in front of each stage (domain/execution-modes.ts): under
 * SUPERSEDED and QUEUED an execution waits to enter a stage another one holds, and a more
 * recent one that reaches a stage supersedes the older ones waiting. PARALLEL executions pass.
 * Each waiting reason is recorded once; when a stage is left or an execution ends, the
 * executions of that pipeline this process drives that wait in front of a stage try again
 * after the commit (`wakeWaiting`).
 */
import { stageGate } from '../domain/execution-modes.js';
import type { ExecutionSnapshot } from '../domain/records.js';
import { superseded } from '../domain/stage-errors.js';
import { isOwnerAlive } from '../lib/process-owner.js';
import type { Db } from '../stores/state/state-store.js';
import type { EngineCore } from './engine-core.js';
import type { Recorder } from './execution-writes.js';
import { skipPending } from './skipped-actions.js';

export type GateDecision = 'enter' | 'wait' | 'superseded';

export class StageGates {
  /** Pipelines where a stage may have been unlocked by the last write. */
  private readonly unlocked = new Set<string>();
  /** Execution id -> why it last waited in front of a stage, so the event is recorded once. */
  private readonly waitingReasons = new Map<string, string>();

  constructor(private readonly core: EngineCore & { onError?: (error: Error) => void }) {}

  /**
   * The execution mode's say on entering a stage (domain/execution-modes). Executions whose
   * process is gone hold no lock and are not superseded until someone resumes them.
   */
  async gate(tx: Db, snapshot: ExecutionSnapshot, stageIndex: number, record: Recorder): Promise<GateDecision> {
    const { store } = this.core;
    const { execution } = snapshot;
    const mode = execution.definition.executionMode;
    if (mode === 'PARALLEL') return 'enter';
    await store.lockPipeline(tx, execution.pipeline);
    const positions = (await store.positions(tx, execution.pipeline)).filter((p) => p.id === execution.id || isOwnerAlive(p.owner));
    const decision = stageGate(mode, stageIndex, execution, positions);
    const stage = snapshot.stages[stageIndex]?.name ?? String(stageIndex);
    if (decision.kind === 'superseded') {
      await this.supersede(tx, execution.id, decision.by, stage, record);
      return 'superseded';
    }
    for (const older of decision.supersede) await this.supersede(tx, older, execution.id, stage, record);
    if (decision.kind === 'wait') {
      if (this.waitingReasons.get(execution.id) !== decision.reason) {
        this.waitingReasons.set(execution.id, decision.reason);
        await record({
          type: 'stage-waiting',
          stage,
          description: `Waiting to enter stage ${stage}: ${decision.reason} (${mode})`,
          data: { reason: decision.reason, lockedBy: decision.lockedBy ?? null },
        });
      }
      return 'wait';
    }
    this.waitingReasons.delete(execution.id);
    return 'enter';
  }

  /** A stage of the pipeline was left: a stage may have been unlocked. */
  stageLeft(pipeline: string): void {
    this.unlocked.add(pipeline);
  }

  /** An execution of the pipeline ended: it waits no longer, and its stage may have been unlocked. */
  executionEnded(pipeline: string, executionId: string): void {
    this.unlocked.add(pipeline);
    this.waitingReasons.delete(executionId);
  }

  /** After a stage was left or an execution ended: executions of the pipeline waiting in front of a stage try again. */
  wakeWaiting(): void {
    if (this.unlocked.size === 0) return;
    const { store, owner } = this.core;
    const pipelines = [...this.unlocked];
    this.unlocked.clear();
    void (async () => {
      for (const pipeline of pipelines) {
        const positions = await store.positions(store.db, pipeline);
        for (const position of positions) {
          if (position.owner === owner && this.waitingReasons.has(position.id)) await this.core.advance(position.id);
        }
      }
    })().catch((error: unknown) => this.core.onError?.(error instanceof Error ? error : new Error(String(error))));
  }

  /** Ends an execution waiting in front of a stage because a more recent one reached it. */
  private async supersede(tx: Db, executionId: string, by: string, stage: string, record: Recorder): Promise<void> {
    const { store } = this.core;
    const at = this.core.clock.now().toISOString();
    await skipPending(store, tx, executionId, at);
    await store.setExecutionStatus(tx, executionId, 'Superseded', at, superseded(by, stage));
    await store.setOwner(tx, executionId, null);
    this.waitingReasons.delete(executionId);
    const execution = await store.getExecution(tx, executionId);
    this.unlocked.add(execution.pipeline);
    await record(
      { type: 'execution-finished', description: `Execution superseded by ${by}, which reached stage ${stage} after it`, data: { status: 'Superseded', by } },
      executionId,
    );
  }
}
