/**
 * Deliveries that may start an execution once only: GitHub webhook deliveries (by their
 * X-GitHub-Delivery id) and API starts with a clientRequestToken (`client-request:<token>`).
 * A delivery that starts an execution is recorded in the transaction that creates it, so a
 * redelivery finds it and starts nothing new.
 */
import type { Db } from './db.js';

export interface Delivery {
  deliveryId: string;
  pipeline: string;
  /** `started`, or `ignored: <reason>`. */
  outcome: string;
  executionId: string | null;
  receivedAt: string;
}

/** The delivery of this id to this pipeline, if one was recorded. */
export async function findDelivery(db: Db, pipeline: string, deliveryId: string): Promise<Delivery | undefined> {
  const row = await db.selectFrom('webhook_deliveries').selectAll().where('pipeline', '=', pipeline).where('delivery_id', '=', deliveryId).executeTakeFirst();
  return row && { deliveryId: row.delivery_id, pipeline: row.pipeline, outcome: row.outcome, executionId: row.execution_id, receivedAt: row.received_at };
}

/** Records a delivery; a second one of the same id and pipeline fails as a unique violation (unique-violation.ts). */
export async function recordDelivery(db: Db, delivery: Delivery): Promise<void> {
  await db
    .insertInto('webhook_deliveries')
    .values({
      delivery_id: delivery.deliveryId,
      pipeline: delivery.pipeline,
      outcome: delivery.outcome,
      execution_id: delivery.executionId,
      received_at: delivery.receivedAt,
    })
    .execute();
}
