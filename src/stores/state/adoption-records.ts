/**
 * Compare-and-set writes for adopting another process's work. Several servers on one
 * database may decide at once that a process is gone, and a process judged gone may still
 * be there (stalled, not dead): each write here succeeds only while the row is as the
 * deciding server saw it, so exactly one adoption happens and a live holder keeps its job.
 */
import type { JobRecord } from '../../domain/records.js';
import type { Db } from './state-store.js';

/** Makes `to` the owner of an execution still owned by `from`; false when someone else adopted it first. */
export async function adoptExecution(db: Db, id: string, from: string | null, to: string): Promise<boolean> {
  let query = db.updateTable('executions').set({ owner: to }).where('id', '=', id);
  query = from === null ? query.where('owner', 'is', null) : query.where('owner', '=', from);
  return Number((await query.executeTakeFirst()).numUpdatedRows) === 1;
}

/**
 * Ends a job that has not ended and whose lease is exactly as `seen` (same holder, same
 * expiry); false when its holder renewed the lease or reported, or another server reclaimed it.
 */
export async function reclaimJob(db: Db, seen: Pick<JobRecord, 'id' | 'leaseOwner' | 'leaseExpiresAt'>): Promise<boolean> {
  let query = db.updateTable('jobs').set({ status: 'done' }).where('id', '=', seen.id).where('status', '!=', 'done');
  query = seen.leaseOwner === null ? query.where('lease_owner', 'is', null) : query.where('lease_owner', '=', seen.leaseOwner);
  query = seen.leaseExpiresAt === null ? query.where('lease_expires_at', 'is', null) : query.where('lease_expires_at', '=', seen.leaseExpiresAt);
  return Number((await query.executeTakeFirst()).numUpdatedRows) === 1;
}
