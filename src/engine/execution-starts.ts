/**
 * The engine's side of starting an execution (start-execution.ts builds its context): the
 * execution is created with its `execution-started` event, in one transaction with whatever
 * must commit with it (a webhook delivery, for deduplication), and takes its first steps; or,
 * when it cannot start (a parameter is missing), it is recorded as Failed at once.
 */
import { randomUUID } from 'node:crypto';
import type { ActionError, Trigger } from '../domain/execution.js';
import type { Pipeline } from '../domain/pipeline.js';
import type { ExecutionContext } from '../domain/records.js';
import type { Db } from '../stores/state/state-store.js';
import type { EngineCore } from './engine-core.js';
import type { Recorder } from './execution-writes.js';
import { skipPending } from './skipped-actions.js';

/** Written in the transaction that creates the execution. */
export type AlsoInTransaction = (tx: Db, executionId: string) => Promise<void>;

export interface NewExecution {
  pipeline: Pipeline;
  trigger: Trigger;
  context: ExecutionContext;
  alsoInTransaction?: AlsoInTransaction | undefined;
}

/** Creates an execution and takes its first steps. */
export async function beginExecution(core: EngineCore, start: NewExecution): Promise<string> {
  const id = randomUUID();
  await core.write(id, async (tx, record) => {
    await create(core, tx, id, start, record);
  });
  await core.advance(id);
  return id;
}

/** Records an execution that could not start (e.g. a parameter is missing) as Failed. */
export async function failExecutionAtStart(core: EngineCore, start: NewExecution, error: ActionError): Promise<string> {
  const { store } = core;
  const id = randomUUID();
  await core.write(id, async (tx, record) => {
    const at = await create(core, tx, id, start, record);
    await skipPending(store, tx, id, at);
    await store.setExecutionStatus(tx, id, 'Failed', at, error);
    await record({ type: 'execution-finished', description: `Execution failed before any action ran: ${error.message}`, data: { status: 'Failed' } });
  });
  return id;
}

/** Writes what must commit with the execution, then creates it; resolves with the instant it started. */
async function create(core: EngineCore, tx: Db, id: string, start: NewExecution, record: Recorder): Promise<string> {
  const { pipeline, trigger, context } = start;
  await start.alsoInTransaction?.(tx, id);
  const at = core.clock.now().toISOString();
  await core.store.createExecution(tx, { id, pipeline, trigger, context, at, owner: core.owner });
  await record({ type: 'execution-started', description: `Execution ${id} of ${pipeline.name} started (${describeTrigger(trigger)})` });
  return at;
}

function describeTrigger(trigger: Trigger): string {
  return trigger.detail ? `${trigger.type}: ${trigger.detail}` : trigger.type;
}
