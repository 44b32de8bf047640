/**
 * Which process owns (drives) an execution: the one that started it, or one that adopts it
 * (`adopt`: the executions of a process that is gone, or one being resumed). Of several
 * servers adopting at once, one does. An execution that ended has no owner.
 */
import { adoptExecution } from '../stores/state/adoption-records.js';
import type { EngineCore } from './engine-core.js';

/**
 * Makes this process the execution's owner. With `from`, only while the execution is still
 * owned by `from` (false otherwise): of several servers adopting at once, one does.
 */
export async function adopt(core: EngineCore, executionId: string, from?: string | null): Promise<boolean> {
  const { store, owner } = core;
  return core.write(executionId, async (tx, record) => {
    if (from === undefined) await store.setOwner(tx, executionId, owner);
    else if (!(await adoptExecution(tx, executionId, from, owner))) return false;
    await record({ type: 'execution-resumed', description: `Execution resumed by ${owner}` });
    return true;
  });
}
