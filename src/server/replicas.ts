/**
 * Several `meridian serve` replicas on one PostgreSQL database. Each says it is alive every
 * tick (the `replicas` table); one of them — whichever holds a session advisory lock on its
 * own connection — leads: it adopts the executions of a replica whose heartbeat stopped
 * (running again their interrupted jobs that are safe to repeat), and when the leader dies
 * its connection closes, the lock is free, and the next replica to try becomes leader.
 */
import pg from 'pg';
import type { MeridianCore } from './context.js';

/** By default, a replica that has not said it is alive for this long is gone. */
export const REPLICA_STALE_MS = 15_000;
const LEADER_KEY = 'meridian:leader';

export class Replicas {
  private readonly seen = new Map<string, number>();
  private leaderClient: pg.Client | undefined;
  private leading = false;

  constructor(
    private readonly core: MeridianCore,
    private readonly url: string,
    private readonly onError: (error: Error) => void,
    private readonly staleMs = REPLICA_STALE_MS,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Records this replica's heartbeat and reads everyone else's; tries to lead if nobody does. */
  async tick(): Promise<void> {
    const { db, owner } = this.core;
    // Wall time, not the engine's clock: a fast-forwarded demo clock must not age replicas.
    const now = new Date().toISOString();
    await db
      .insertInto('replicas')
      .values({ owner, started_at: now, heartbeat_at: now })
      .onConflict((oc) => oc.column('owner').doUpdateSet({ heartbeat_at: now }))
      .execute();
    const rows = await db.selectFrom('replicas').selectAll().execute();
    this.seen.clear();
    for (const row of rows) this.seen.set(row.owner, Date.parse(row.heartbeat_at));
    if (!this.leading) await this.tryToLead();
  }

  /** Alive: this process, or a replica whose heartbeat is fresh. Unknown owners (a CLI run) count as alive. */
  isAlive(owner: string | null): boolean {
    if (owner === null) return false;
    if (owner === this.core.owner) return true;
    const heartbeat = this.seen.get(owner);
    if (heartbeat === undefined) return true;
    return Date.now() - heartbeat < this.staleMs;
  }

  async close(): Promise<void> {
    this.leading = false;
    await this.leaderClient?.end().catch(() => undefined);
    this.leaderClient = undefined;
    await this.core.db.deleteFrom('replicas').where('owner', '=', this.core.owner).execute();
  }

  private async tryToLead(): Promise<void> {
    try {
      if (!this.leaderClient) {
        const client = new pg.Client({ connectionString: this.url });
        client.on('error', (error) => {
          this.leading = false;
          this.leaderClient = undefined;
          this.onError(error);
        });
        await client.connect();
        this.leaderClient = client;
      }
      const result = await this.leaderClient.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [LEADER_KEY]);
      this.leading = result.rows[0]?.locked === true;
    } catch (error) {
      this.leading = false;
      this.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
