/**
 * Rollback executions the engine starts: automatically, inside the transaction that fails a
 * stage (a rollout's failed wave, a stage condition's ROLLBACK: `asker`), or when an operator
 * rolls a stage back (`rollbackStage`, manual-rollback.ts). Their first steps are taken only
 * after the transaction that created them committed (`advanceCreated`); a transaction that
 * does not commit leaves none behind (`begin`'s undo, called by execution-writes.ts).
 */
import type { EngineCore } from './engine-core.js';
import { manualRollbackRequest, type ManualRollback } from './manual-rollback.js';
import { startRollback } from './rollback-executions.js';
import type { RollbackAsker } from './rollout-waves.js';

export class RollbackFollowUps {
  /** Forward execution -> the rollback executions its last transaction created, to advance once it committed. */
  private readonly created = new Map<string, string[]>();

  constructor(private readonly core: EngineCore) {}

  /** Starts rollback executions inside the caller's transaction, to be advanced after its commit. */
  readonly asker: RollbackAsker = async (tx, request, record) => {
    const { store, owner, clock } = this.core;
    const { ids, rolledBack } = await startRollback(tx, { store, owner, at: clock.now().toISOString() }, request, record);
    this.created.set(request.executionId, [...(this.created.get(request.executionId) ?? []), ...ids]);
    return rolledBack;
  };

  /** As a write of the execution begins: the undo forgets what a write that did not commit created. */
  begin(executionId: string): () => void {
    const before = this.created.get(executionId);
    // Rollback executions created in a transaction that did not commit do not exist.
    return () => {
      if (before === undefined) this.created.delete(executionId);
      else this.created.set(executionId, before);
    };
  }

  /** Takes the first steps of the rollback executions an execution's last transaction created. */
  async advanceCreated(executionId: string): Promise<void> {
    const created = this.created.get(executionId);
    if (created === undefined) return;
    this.created.delete(executionId);
    for (const id of created) await this.core.advance(id);
  }

  /** RollbackStage: an operator rolls a stage back (manual-rollback.ts); resolves with the rollback executions. */
  async rollbackStage(ask: ManualRollback): Promise<string[]> {
    const { store, owner, clock } = this.core;
    const request = await manualRollbackRequest(store, ask);
    const created = await this.core.write(
      request.executionId,
      async (tx, record) => (await startRollback(tx, { store, owner, at: clock.now().toISOString() }, request, record)).ids,
    );
    for (const id of created) await this.core.advance(id);
    return created;
  }
}
