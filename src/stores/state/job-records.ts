/**
 * Jobs: one attempt of one action, kept until an agent claims and finishes it; and the leases
 * their holders renew. On PostgreSQL, queued jobs are announced to the other servers
 * (postgres/job-notifications) and claims skip the rows another server has locked.
 */
import { sql } from 'kysely';
import type { JobRecord, JobStatus } from '../../domain/records.js';
import type { Db } from './db.js';
import { JOBS_CHANNEL } from './postgres/job-notifications.js';
import { toJob } from './row-mappers.js';

/** A job as the engine queues it. */
export type NewJob = Omit<JobRecord, 'status' | 'leaseOwner' | 'leaseExpiresAt'>;

export interface ClaimOptions {
  regions?: string[];
  exceptRegions?: string[];
  executionIds?: string[];
  /** The claimer's agent labels: a job that asks for one it lacks is left (default: none). */
  labels?: string[];
  /** At most this many jobs (default 1). */
  max?: number;
  leaseUntil?: string;
}

/** Queues jobs with the agent labels each asks for, in as few statements as the database allows. */
export async function insertJobs(db: Db, jobs: NewJob[], labelsOf: (job: NewJob) => Promise<readonly string[]>): Promise<void> {
  const rows = jobs.map((job) => ({
    id: job.id,
    execution_id: job.executionId,
    stage_index: job.stageIndex,
    action_index: job.actionIndex,
    attempt: job.attempt,
    region: job.region,
    status: 'queued',
    lease_owner: null,
    lease_expires_at: null,
    created_at: job.createdAt,
  }));
  // SQLite limits bound variables per statement; insert in slices.
  for (let i = 0; i < rows.length; i += 50)
    await db
      .insertInto('jobs')
      .values(rows.slice(i, i + 50))
      .execute();
  const labels: Array<{ job_id: string; label: string }> = [];
  for (const job of jobs) for (const label of await labelsOf(job)) labels.push({ job_id: job.id, label });
  for (let i = 0; i < labels.length; i += 200)
    await db
      .insertInto('job_labels')
      .values(labels.slice(i, i + 200))
      .execute();
}

/**
 * PostgreSQL: tells the other servers on the database that jobs of these regions are queued
 * (heard on commit); once per transaction and region (`announced`), as PostgreSQL folds the
 * repeats anyway.
 */
export async function announceQueuedJobs(db: Db, regions: Iterable<string>, announced: WeakMap<Db, Set<string>>): Promise<void> {
  for (const region of regions) {
    if (db.isTransaction) {
      const already = announced.get(db) ?? new Set<string>();
      if (already.has(region)) continue;
      already.add(region);
      announced.set(db, already);
    }
    await sql`select pg_notify(${JOBS_CHANNEL}, ${region})`.execute(db);
  }
}

/**
 * Claims up to `max` of the oldest queued jobs (of one of `regions`, when given; of none of
 * `exceptRegions`) for `owner`, with a lease until `leaseUntil` that its holder renews
 * (`renewLease`). One statement, so one round trip: on PostgreSQL, servers claiming at once
 * each skip the rows another has locked; SQLite has one writer at a time.
 */
export async function claimJobs(db: Db, owner: string, options: ClaimOptions, postgres: boolean): Promise<JobRecord[]> {
  const max = options.max ?? 1;
  if (max < 1) return [];
  const leaseUntil = options.leaseUntil ?? null;
  const rows = await db
    // MATERIALIZED: the picked rows are chosen (and locked) once, never re-evaluated per row updated.
    .with(
      (cte) => cte('picked').materialized(),
      (qb) => {
        let query = qb.selectFrom('jobs').select('id as picked_id').where('status', '=', 'queued').orderBy('created_at').orderBy('id').limit(max);
        if (options.regions) query = query.where('region', 'in', options.regions);
        if (options.exceptRegions && options.exceptRegions.length > 0) query = query.where('region', 'not in', options.exceptRegions);
        if (options.executionIds) query = query.where('execution_id', 'in', options.executionIds);
        // Only jobs that ask for no label the claimer lacks.
        const labels = options.labels ?? [];
        query = query.where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('job_labels')
                .select('job_labels.label')
                .whereRef('job_labels.job_id', '=', 'jobs.id')
                .$if(labels.length > 0, (q) => q.where('job_labels.label', 'not in', labels)),
            ),
          ),
        );
        return postgres ? query.forUpdate().skipLocked() : query;
      },
    )
    .updateTable('jobs')
    .from('picked')
    .set({ status: 'running', lease_owner: owner, lease_expires_at: leaseUntil })
    .whereRef('jobs.id', '=', 'picked.picked_id')
    .where('jobs.status', '=', 'queued')
    // Unqualified: SQLite's RETURNING names only the updated table's columns.
    .returningAll()
    .execute();
  return rows.map(toJob).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export async function getJob(db: Db, id: string): Promise<JobRecord> {
  const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return toJob(row);
}

export async function jobsOf(db: Db, executionId: string, status?: JobStatus): Promise<JobRecord[]> {
  let query = db.selectFrom('jobs').selectAll().where('execution_id', '=', executionId).orderBy('created_at');
  if (status) query = query.where('status', '=', status);
  return (await query.execute()).map(toJob);
}

/** Marks jobs done in one statement; returns the ids that were not done already (the others were late reports). */
export async function finishJobs(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.updateTable('jobs').set({ status: 'done' }).where('id', 'in', ids).where('status', '<>', 'done').returning('id').execute();
  return new Set(rows.map((row) => row.id));
}

/** The jobs of these ids that exist, in one statement. */
export async function findJobs(db: Db, ids: string[]): Promise<JobRecord[]> {
  if (ids.length === 0) return [];
  return (await db.selectFrom('jobs').selectAll().where('id', 'in', ids).execute()).map(toJob);
}

export async function findJob(db: Db, id: string): Promise<JobRecord | undefined> {
  const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toJob(row) : undefined;
}

/** Extends a running job's lease; false when `owner` no longer holds it (it expired and was handed on, or the job ended). */
export async function renewLease(db: Db, id: string, owner: string, until: string): Promise<boolean> {
  const renewed = await db
    .updateTable('jobs')
    .set({ lease_expires_at: until })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(renewed.numUpdatedRows) === 1;
}

/** Running jobs whose lease ended before `now`, oldest first. */
export async function expiredLeases(db: Db, now: string): Promise<JobRecord[]> {
  const rows = await db
    .selectFrom('jobs')
    .selectAll()
    .where('status', '=', 'running')
    .where('lease_expires_at', 'is not', null)
    .where('lease_expires_at', '<', now)
    .orderBy('lease_expires_at')
    .execute();
  return rows.map(toJob);
}

/** Ends a job whose lease ran out, once: false when it was renewed or finished meanwhile (or another server took it). */
export async function expireLease(db: Db, id: string, now: string): Promise<boolean> {
  const expired = await db
    .updateTable('jobs')
    .set({ status: 'done' })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('lease_expires_at', '<', now)
    .executeTakeFirst();
  return Number(expired.numUpdatedRows) === 1;
}
