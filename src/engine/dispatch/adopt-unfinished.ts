import type { Kysely } from 'kysely';
import { MeridianError } from '../../domain/errors.js';
import { actionTypeKey } from '../../domain/pipeline.js';
import type { Engine } from '../engine.js';
import { isOwnerAlive } from '../../lib/process-owner.js';
import type { CapabilityLookup } from '../../domain/jobs/capabilities.js';
import type { JobRecord } from '../../domain/records.js';
import type { Database } from '../../stores/state/schema.js';
import type { StateStore } from '../../stores/state/state-store.js';

export interface AdoptDeps {
  db: Kysely<Database>;
  store: StateStore;
  engine: Engine;
  registry: CapabilityLookup;
  owner: string;
  /** Whether the process named by an owner id still runs (default: a pid check on this host). */
  isAlive?: (owner: string | null) => boolean;
}

/**
 * Takes over unfinished executions whose driving process is gone: interrupted jobs run again
 * when their provider is safe to repeat, or fail with "interrupted" when it is not. A job
 * whose lease may still be renewed is left to its holder (see `holderGone`); if the holder
 * never comes back, lease expiry (lease-expiry.ts) hands the job on.
 */
export async function adoptUnfinished(meridian: AdoptDeps, execution: string | undefined, now: Date = new Date()): Promise<string[]> {
  const { store, db, engine } = meridian;
  const alive = meridian.isAlive ?? isOwnerAlive;
  let candidates;
  if (execution) {
    const id = await store.resolveExecutionId(db, execution);
    const record = await store.getExecution(db, id);
    if (record.status !== 'InProgress' && record.status !== 'Stopping') {
      throw new MeridianError('CONFLICT', `execution ${id} has already ended (${record.status}); to run its failed stage again use \`meridian retry ${id}\``);
    }
    if (record.owner && record.owner !== meridian.owner && alive(record.owner)) {
      throw new MeridianError('CONFLICT', `execution ${id} is being run by another process (${record.owner}); wait for it or stop it`);
    }
    candidates = [record];
  } else {
    candidates = (await store.listExecutions(db, { unfinished: true })).filter((e) => !alive(e.owner));
  }
  const adopted: string[] = [];
  for (const record of candidates) {
    // Another server may be adopting it too: only one of them takes it.
    if (record.owner !== meridian.owner && !(await engine.adopt(record.id, record.owner))) continue;
    adopted.push(record.id);
    for (const job of await store.jobs(db, record.id, 'running')) {
      if (!holderGone(job, meridian.owner, alive, now)) continue;
      if (record.stopMode === 'abandon') {
        await engine.abandonJob(job, 'abandoned by a stop request');
        continue;
      }
      const action = record.definition.stages[job.stageIndex]?.actions[job.actionIndex];
      const provider = action ? meridian.registry.find(actionTypeKey(action.type)) : undefined;
      await engine.recoverJob(job, provider?.capabilities.idempotent === true);
    }
    await engine.advance(record.id);
  }
  return adopted;
}

/**
 * Whether a running job's holder is gone, so the job may be recovered now: nobody holds it,
 * its process is certainly gone (a pid check on this host), or it is presumed gone (`alive`:
 * a stale server heartbeat) and its lease has run out. A lease still running is never taken
 * on a presumption: a server that stalled longer than the replica timeout still renews it
 * when it wakes, and its job must not run twice meanwhile.
 */
export function holderGone(job: JobRecord, self: string, alive: (owner: string | null) => boolean, now: Date): boolean {
  if (job.leaseOwner === self) return false;
  if (job.leaseOwner === null) return true;
  if (!isOwnerAlive(job.leaseOwner)) return true;
  if (alive(job.leaseOwner)) return false;
  return job.leaseExpiresAt === null || Date.parse(job.leaseExpiresAt) < now.getTime();
}
