/**
 * What an attempt leaves behind when the process running it dies: its programs' process
 * groups, which live on (each leads its own), and its scratch folder. Before a job whose
 * holder died runs again, its groups on this host are ended — SIGTERM, ATTEMPT_END_GRACE_MS,
 * then SIGKILL — so the old attempt never runs beside the new one; at start, the leftovers of
 * attempts that are over are swept. Groups on another host cannot be reached from here: the
 * event says so (docs/several-machines.md, "A killed attempt").
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ActionRecord, JobRecord } from '../domain/records.js';
import { scratchRoot, workFolderOf, workRoot } from '../lib/attempt-scratch.js';
import { isOwnerAlive } from '../lib/process-owner.js';
import { ATTEMPT_END_GRACE_MS, endProcessGroup, thisHost, type GroupEnd } from '../lib/process-groups.js';
import type { Db } from '../stores/state/db.js';
import { findJob } from '../stores/state/job-records.js';
import { forgetJobProcesses, jobProcesses, leftoverProcesses, type JobProcess } from '../stores/state/process-records.js';
import type { Recorder } from './execution-writes.js';

export interface Leftovers {
  /** Groups that still ran here, and how they ended. */
  ended: Array<{ pgid: number; how: GroupEnd }>;
  /** Groups recorded on another host: out of reach. */
  elsewhere: Array<{ pgid: number; host: string }>;
}

/**
 * Ends the process groups `job`'s attempt left running on this host and removes its scratch
 * and work folders, unless its holder still runs here: a holder that lives on (stalled) ends its own
 * groups when it finds its lease lost, and ending them under it could fail a job it goes on
 * to report. Groups on another host are only named (their host's next start sweeps them).
 */
export async function endAttemptLeftovers(db: Db, job: Pick<JobRecord, 'id' | 'leaseOwner'>, graceMs = ATTEMPT_END_GRACE_MS): Promise<Leftovers> {
  const here = thisHost();
  const groups = await jobProcesses(db, job.id);
  const leftovers: Leftovers = { ended: [], elsewhere: groups.filter((g) => g.host !== here).map(({ pgid, host }) => ({ pgid, host })) };
  if (job.leaseOwner?.split(':')[0] === here && isOwnerAlive(job.leaseOwner)) return leftovers;
  leftovers.ended = await endGroups(
    groups.filter((group) => group.host === here),
    graceMs,
  );
  await forgetJobProcesses(db, job.id, here);
  return leftovers;
}

/** Records what `endAttemptLeftovers` did, in the write that hands the job on. */
export async function recordLeftovers(record: Recorder, action: ActionRecord, job: JobRecord, leftovers: Leftovers): Promise<void> {
  const data = { region: action.region, attempt: job.attempt };
  if (leftovers.ended.length > 0) {
    const groups = leftovers.ended.map(({ pgid, how }) => `${pgid} (${how === 'killed' ? `SIGKILL after ${ATTEMPT_END_GRACE_MS / 1000} s` : 'SIGTERM'})`);
    await record({
      type: 'attempt-ended',
      stage: action.stage,
      action: action.name,
      description: `${action.name} (${action.region}): ended attempt ${job.attempt}, still running after its Meridian died: process group ${groups.join(', ')}`,
      data: { ...data, groups: leftovers.ended },
    });
  }
  for (const { pgid, host } of leftovers.elsewhere) {
    await record({
      type: 'attempt-unreachable',
      stage: action.stage,
      action: action.name,
      description: `${action.name} (${action.region}): attempt ${job.attempt} ran as process group ${pgid} on host ${host}, out of reach from here; end it there if it still runs`,
      data: { ...data, pgid, host },
    });
  }
}

/**
 * At start: ends the groups still recorded on this host for attempts that are over (their job
 * ended or was handed on), and removes the scratch and work folders of `root` of jobs that no
 * longer run. Jobs still running are left to their holder, or to adoption.
 */
export async function sweepLeftovers(db: Db, root: string, graceMs = ATTEMPT_END_GRACE_MS): Promise<void> {
  const here = thisHost();
  const groups = await leftoverProcesses(db, here);
  await endGroups(groups, graceMs);
  for (const jobId of new Set(groups.map((group) => group.jobId))) await forgetJobProcesses(db, jobId, here);
  let folders: string[];
  try {
    folders = [scratchRoot(root), workRoot(root)];
  } catch {
    // A temp folder Meridian may not use (another user's) holds nothing of its attempts.
    return;
  }
  for (const folder of folders) {
    let entries: string[];
    try {
      entries = fs.readdirSync(folder);
    } catch {
      continue;
    }
    for (const jobId of entries) {
      const job = await findJob(db, jobId);
      if (job?.status !== 'running') fs.rmSync(path.join(folder, jobId), { recursive: true, force: true });
    }
  }
}

async function endGroups(groups: JobProcess[], graceMs: number): Promise<Leftovers['ended']> {
  const ends = await Promise.all(groups.map(async (group) => ({ pgid: group.pgid, how: await endProcessGroup(group, graceMs) })));
  for (const scratch of new Set(groups.map((group) => group.scratch))) {
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(workFolderOf(scratch), { recursive: true, force: true });
  }
  return ends.filter(({ how }) => how === 'terminated' || how === 'killed');
}
