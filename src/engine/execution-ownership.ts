/**
 * Which process drives an execution: the one that started it, or one that takes it over
 * (`takeOwnership`: adopting the executions of a process that is gone, or resuming one). Of
 * several servers adopting at once, one does. An execution that ended has no driver.
 */
import { takeExecution } from '../stores/state/takeover-records.js';
import type { EngineCore } from './engine-core.js';

/**
 * Makes this process the execution's driver. With `from`, only while the execution is still
 * owned by `from` (false otherwise): of several servers adopting at once, one does.
 */
export async function takeOwnership(core: EngineCore, executionId: string, from?: string | null): Promise<boolean> {
  const { store, owner } = core;
  return core.write(executionId, async (tx, record) => {
    if (from === undefined) await store.setOwner(tx, executionId, owner);
    else if (!(await takeExecution(tx, executionId, from, owner))) return false;
    await record({ type: 'execution-resumed', description: `Execution resumed by ${owner}` });
    return true;
  });
}

export async function releaseOwnership(core: EngineCore, executionId: string): Promise<void> {
  await core.store.setOwner(core.store.db, executionId, null);
}
