/**
 * The row of an action waiting on its approval, written straight into a state store's
 * `action_executions`: for tests of the approvals table that need the wait without an engine.
 */
import type { Insertable, Kysely } from 'kysely';
import type { ActionExecutionsTable, Database } from '../../src/stores/state/schema.js';

/**
 * Action `go` of stage Gate (stage 1) of execution `e1`, in eu-west-1, Waiting since `startedAt`
 * in its attempt `attempts`. `more`: further columns; leave out those a database migrated only
 * part way does not have yet.
 */
export async function insertWaitingApproval(
  db: Kysely<Database>,
  startedAt: string,
  attempts: number,
  more: Partial<Insertable<ActionExecutionsTable>> = {},
): Promise<void> {
  await db
    .insertInto('action_executions')
    .values({
      execution_id: 'e1',
      stage_index: 1,
      action_index: 0,
      stage: 'Gate',
      name: 'go',
      region: 'eu-west-1',
      run_order: 1,
      status: 'Waiting',
      attempts,
      started_at: startedAt,
      output_variables: '{}',
      ...more,
    })
    .execute();
}
