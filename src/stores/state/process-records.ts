/**
 * The process groups of running attempts (job_processes): recorded by the embedded agent when
 * a program starts and forgotten when it ends, so the rows left are those of programs whose
 * Meridian died under them. Whoever takes such a job over ends the groups (engine/attempt-
 * leftovers.ts) and forgets them.
 */
import type { ProcessGroup } from '../../domain/jobs/job-host.js';
import type { Db } from './db.js';

export interface JobProcess extends ProcessGroup {
  jobId: string;
  scratch: string;
}

export async function recordJobProcess(db: Db, process: JobProcess, at: string): Promise<void> {
  const row = { host: process.host, started: process.started, scratch: process.scratch, recorded_at: at };
  await db
    .insertInto('job_processes')
    .values({ job_id: process.jobId, pgid: process.pgid, ...row })
    // A pid reused within one attempt: the newer program is the one that may still run.
    .onConflict((oc) => oc.columns(['job_id', 'pgid']).doUpdateSet(row))
    .execute();
}

export async function forgetJobProcess(db: Db, jobId: string, group: ProcessGroup): Promise<void> {
  await db.deleteFrom('job_processes').where('job_id', '=', jobId).where('pgid', '=', group.pgid).where('started', '=', group.started).execute();
}

/** The groups recorded for one job (one attempt). */
export async function jobProcesses(db: Db, jobId: string): Promise<JobProcess[]> {
  const rows = await db.selectFrom('job_processes').selectAll().where('job_id', '=', jobId).orderBy('recorded_at').execute();
  return rows.map(toJobProcess);
}

/** Groups recorded on `host` for jobs that are no longer running (or no longer exist): their attempt is over. */
export async function leftoverProcesses(db: Db, host: string): Promise<JobProcess[]> {
  const rows = await db
    .selectFrom('job_processes')
    .selectAll('job_processes')
    .where('job_processes.host', '=', host)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('jobs').select('jobs.id').whereRef('jobs.id', '=', 'job_processes.job_id').where('jobs.status', '=', 'running'))),
    )
    .execute();
  return rows.map(toJobProcess);
}

export async function forgetJobProcesses(db: Db, jobId: string, host: string): Promise<void> {
  await db.deleteFrom('job_processes').where('job_id', '=', jobId).where('host', '=', host).execute();
}

function toJobProcess(row: { job_id: string; pgid: number; host: string; started: string; scratch: string }): JobProcess {
  return { jobId: row.job_id, pgid: Number(row.pgid), host: row.host, started: row.started, scratch: row.scratch };
}
