/**
 * The heartbeats of the `meridian serve` replicas sharing one PostgreSQL database (the
 * `replicas` table): each replica writes its own every tick; the leader forgets the ones gone
 * for good (server/replicas.ts).
 */
import type { Db } from './db.js';

/** Writes `owner`'s heartbeat (and its start, the first time). */
export async function recordHeartbeat(db: Db, owner: string, at: string): Promise<void> {
  await db
    .insertInto('replicas')
    .values({ owner, started_at: at, heartbeat_at: at })
    .onConflict((oc) => oc.column('owner').doUpdateSet({ heartbeat_at: at }))
    .execute();
}

/** Every replica's last heartbeat. */
export async function heartbeats(db: Db): Promise<Array<{ owner: string; startedAt: string; heartbeatAt: string }>> {
  const rows = await db.selectFrom('replicas').selectAll().execute();
  return rows.map((row) => ({ owner: row.owner, startedAt: row.started_at, heartbeatAt: row.heartbeat_at }));
}

/**
 * Forgets the replicas, other than `self`, whose heartbeat is older than `staleBefore` and
 * that own no unfinished execution; returns how many.
 */
export async function pruneReplicas(db: Db, staleBefore: string, self: string): Promise<number> {
  const pruned = await db
    .deleteFrom('replicas')
    .where('heartbeat_at', '<', staleBefore)
    .where('owner', '<>', self)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('executions')
            .select('executions.id')
            .whereRef('executions.owner', '=', 'replicas.owner')
            .where('executions.status', 'in', ['InProgress', 'Stopping']),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(pruned.numDeletedRows);
}

/** A replica that stops: its heartbeat goes. */
export async function removeReplica(db: Db, owner: string): Promise<void> {
  await db.deleteFrom('replicas').where('owner', '=', owner).execute();
}
