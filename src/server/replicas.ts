/**
 * Several `meridian serve` replicas on one PostgreSQL database. Each says it is alive every
 * tick (the `replicas` table); one of them — whichever holds a session advisory lock on its
 * own connection — leads: it adopts the executions of a replica whose heartbeat stopped
 * (leaving a job whose lease is still renewed to its holder: see agent/adopt-unfinished.ts),
 * and when the leader dies its connection closes, the lock is free, and the next replica to
 * try becomes leader. A leader that stalls (its process stopped, its event loop stuck) keeps
 * its connection and the lock: once its heartbeat is stale, the next replica to try ends
 * that connection (pg_terminate_backend) and leads; the stalled one learns it when it wakes.
 */
import type pg from 'pg';
import { advisoryLockHolders, endSession, tryAdvisoryLock } from '../stores/state/postgres/leader-session.js';
import { loadPg } from '../stores/state/postgres/load-pg.js';
import { heartbeats, pruneReplicas, recordHeartbeat, removeReplica } from '../stores/state/replica-records.js';
import { isOwnerAlive } from '../lib/process-owner.js';
import type { Meridian } from '../meridian.js';

/** By default, a replica that has not said it is alive for this long is gone. */
export const REPLICA_STALE_MS = 15_000;
const LEADER_KEY = 'meridian:leader';
/** The leader connection's application_name names its replica, so a stalled leader can be found. */
const APPLICATION_PREFIX = 'meridian leader ';

export class Replicas {
  private readonly seen = new Map<string, number>();
  private leaderClient: pg.Client | undefined;
  private leading = false;

  constructor(
    private readonly core: Meridian,
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
    await recordHeartbeat(db, owner, now);
    const rows = await heartbeats(db);
    this.seen.clear();
    for (const row of rows) this.seen.set(row.owner, Date.parse(row.heartbeatAt));
    if (!this.leading) await this.tryToLead();
  }

  /**
   * Alive: this process, or a replica whose heartbeat is fresh. An owner that sends no
   * heartbeat (a CLI run) counts as alive unless it is a process of this host that is gone.
   */
  isAlive(owner: string | null): boolean {
    if (owner === null) return false;
    if (owner === this.core.owner) return true;
    const heartbeat = this.seen.get(owner);
    if (heartbeat === undefined) return isOwnerAlive(owner);
    return Date.now() - heartbeat < this.staleMs;
  }

  /**
   * The leader forgets replicas that are gone and own no unfinished execution any more (it
   * adopted them): their heartbeat rows would otherwise stay forever. One that was only
   * stalled writes its row again on its next tick.
   */
  async pruneGone(): Promise<number> {
    const staleBefore = new Date(Date.now() - this.staleMs).toISOString();
    return pruneReplicas(this.core.db, staleBefore, this.core.owner);
  }

  async close(): Promise<void> {
    this.leading = false;
    await this.leaderClient?.end().catch(() => undefined);
    this.leaderClient = undefined;
    await removeReplica(this.core.db, this.core.owner);
  }

  /** Ends the session of a leader whose heartbeat is stale; true when one was ended. */
  private async deposeStalledLeader(client: pg.Client): Promise<boolean> {
    // Only a replica gone silent can be a stalled leader: most ticks ask nothing more.
    if (![...this.seen.keys()].some((owner) => !this.isAlive(owner))) return false;
    const holders = await advisoryLockHolders(client, APPLICATION_PREFIX);
    let deposed = false;
    for (const holder of holders) {
      const owner = [...this.seen.keys()].find((o) => `${APPLICATION_PREFIX}${o}`.slice(0, 63) === holder.name);
      if (owner === undefined || this.isAlive(owner)) continue;
      await endSession(client, holder.pid);
      deposed = true;
    }
    return deposed;
  }

  private async tryToLead(): Promise<void> {
    try {
      if (!this.leaderClient) {
        // application_name is at most 63 bytes: a long owner id is cut, and then never deposed.
        const { Client } = await loadPg();
        const client = new Client({ connectionString: this.url, application_name: `${APPLICATION_PREFIX}${this.core.owner}`.slice(0, 63) });
        client.on('error', (error) => {
          this.leading = false;
          this.leaderClient = undefined;
          // Also how a stalled leader learns another replica deposed it.
          this.onError(new Error(`the leader's database session closed (${error.message}); another replica may lead now`, { cause: error }));
        });
        await client.connect();
        this.leaderClient = client;
      }
      this.leading = await tryAdvisoryLock(this.leaderClient, LEADER_KEY);
      if (!this.leading && (await this.deposeStalledLeader(this.leaderClient))) {
        this.leading = await tryAdvisoryLock(this.leaderClient, LEADER_KEY);
      }
    } catch (error) {
      this.leading = false;
      this.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
