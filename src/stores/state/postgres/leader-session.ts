/**
 * The statements of leader election among replicas (server/replicas.ts), run on the leader's
 * own connection: a session advisory lock held for as long as the connection lives, and how
 * a stalled holder of it is found and ended.
 */
import type pg from 'pg';

/** Takes the session advisory lock of `key` on this connection if it is free; true when the connection holds it. */
export async function tryAdvisoryLock(client: pg.Client, key: string): Promise<boolean> {
  const result = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [key]);
  return result.rows[0]?.locked === true;
}

/** The sessions that hold an advisory lock in this database and whose application_name starts with `prefix`. */
export async function advisoryLockHolders(client: pg.Client, prefix: string): Promise<Array<{ pid: number; name: string }>> {
  const holders = await client.query<{ pid: number; name: string }>(
    `select a.pid, a.application_name as name from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
          and a.application_name like $1`,
    [`${prefix}%`],
  );
  return holders.rows;
}

/** Ends another session (its connection closes, its session locks are free). */
export async function endSession(client: pg.Client, pid: number): Promise<void> {
  await client.query('select pg_terminate_backend($1)', [pid]);
}
