/**
 * Jobs whose agent stopped renewing its lease — it died, or lost its way to the server — are
 * handed on: run again when their provider is safe to repeat, failed with "agent lost" when
 * not, abandoned when their execution is being stopped that way. The server runs this on
 * every tick; each expiry is recorded once, whichever server sees it first.
 *
 * Only the agent's silence expires a lease, never the server's own: time this process's event
 * loop stood still (loop-stalls.ts) is given back to every lease it overlapped, since the
 * renewals and reports sent meanwhile have not been read yet; and a job whose report has
 * arrived is left to that report.
 */
import { actionTypeKey } from '../../domain/pipeline.js';
import type { Engine } from '../engine.js';
import type { CapabilityLookup } from '../../domain/jobs/capabilities.js';
import type { StateStore } from '../../stores/state/state-store.js';
import type { JobRecord } from '../../domain/records.js';
import type { JobDispatch } from './job-dispatch.js';

export interface LeaseExpiryDeps {
  store: StateStore;
  engine: Engine;
  registry: CapabilityLookup;
  /** This process: its embedded agent renews its own leases, so a lapse there is a stalled event loop, not a lost agent. */
  owner: string;
  dispatch: JobDispatch;
}

/** Resolves with how many jobs were handed on. */
export async function expireLeases(deps: LeaseExpiryDeps, now: Date = new Date()): Promise<number> {
  const { store, engine } = deps;
  // A server that just started gives agents one lease to check in: their leases may have run
  // out while no server was there to renew them.
  if (now.getTime() < deps.dispatch.startedAt + deps.dispatch.leaseMs) return 0;
  const { stalls } = deps.dispatch;
  stalls.watch();
  const at = now.toISOString();
  let handled = 0;
  for (const job of await store.expiredLeases(store.db, at)) {
    if (job.leaseOwner === deps.owner) continue;
    // A report already received decides the job, not a lease that ran out while it waited.
    if (deps.dispatch.isReported(job.id)) continue;
    if (stillHeld(job, deps.dispatch, now)) continue;
    const execution = await store.getExecution(store.db, job.executionId);
    if (execution.stopMode === 'abandon') {
      await engine.abandonJob(job, 'abandoned by a stop request; its agent stopped renewing its lease');
      handled++;
      continue;
    }
    const action = execution.definition.stages[job.stageIndex]?.actions[job.actionIndex];
    const provider = action ? deps.registry.find(actionTypeKey(action.type)) : undefined;
    if (await engine.loseJob(job, provider?.capabilities.idempotent === true, at)) handled++;
  }
  return handled;
}

/** Whether the lease, lengthened by the time this server stalled since its last renewal, still runs. */
function stillHeld(job: JobRecord, dispatch: JobDispatch, now: Date): boolean {
  if (job.leaseExpiresAt === null) return false;
  const until = Date.parse(job.leaseExpiresAt);
  return until + dispatch.stalls.stalledSince(until - dispatch.leaseMs) > now.getTime();
}
