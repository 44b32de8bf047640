/** An execution's events: appended in the transaction of the change they record, read in order. */
import type { EventRecord } from '../../domain/records.js';
import type { Db } from './db.js';
import { toEvent } from './row-mappers.js';

export interface NewEvent {
  type: string;
  stage?: string;
  action?: string;
  description: string;
  data?: Record<string, unknown>;
}

/** Appends events in the order given, in as few statements as the database allows. */
export async function appendEvents(db: Db, events: Array<NewEvent & { executionId: string; at: string }>): Promise<void> {
  const rows = events.map((event) => ({
    execution_id: event.executionId,
    at: event.at,
    type: event.type,
    stage: event.stage ?? null,
    action: event.action ?? null,
    description: event.description,
    data: event.data ? JSON.stringify(event.data) : null,
  }));
  // One multi-row insert numbers its rows in order (events.id); SQLite limits bound variables per statement.
  for (let i = 0; i < rows.length; i += 100)
    await db
      .insertInto('events')
      .values(rows.slice(i, i + 100))
      .execute();
}

export async function events(db: Db, executionId: string, afterId: number): Promise<EventRecord[]> {
  const rows = await db.selectFrom('events').selectAll().where('execution_id', '=', executionId).where('id', '>', afterId).orderBy('id').execute();
  return rows.map(toEvent);
}

/** The newest event of this type of an execution. */
export async function lastEvent(db: Db, executionId: string, type: string): Promise<Pick<EventRecord, 'stage' | 'description' | 'data'> | undefined> {
  const row = await db
    .selectFrom('events')
    .select(['stage', 'description', 'data'])
    .where('execution_id', '=', executionId)
    .where('type', '=', type)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { stage: row.stage, description: row.description, data: row.data === null ? null : (JSON.parse(row.data) as Record<string, unknown>) };
}
