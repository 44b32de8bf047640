import type { Kysely } from 'kysely';
import { MeridianError } from '../domain/errors.js';
import { actionTypeKey } from '../domain/pipeline.js';
import type { Engine } from '../engine/engine.js';
import { isOwnerAlive } from '../lib/process-owner.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Database } from '../stores/state/schema.js';
import type { StateStore } from '../stores/state/state-store.js';

export interface AdoptDeps {
  db: Kysely<Database>;
  store: StateStore;
  engine: Engine;
  registry: ProviderRegistry;
  owner: string;
  /** Whether the process named by an owner id still runs (default: a pid check on this host). */
  isAlive?: (owner: string | null) => boolean;
}

/**
 * Takes over unfinished executions whose driving process is gone: interrupted jobs run again
 * when their provider is safe to repeat, or fail with "interrupted" when it is not.
 */
export async function adoptUnfinished(meridian: AdoptDeps, execution: string | undefined): Promise<string[]> {
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
  for (const record of candidates) {
    await engine.takeOwnership(record.id);
    for (const job of await store.jobs(db, record.id, 'running')) {
      // A job another live process (a server on the same database) runs is left to it.
      if (job.leaseOwner === meridian.owner || (job.leaseOwner !== null && alive(job.leaseOwner))) continue;
      if (record.stopMode === 'abandon') {
        await engine.completeJob(job, { status: 'Abandoned', error: { code: 'INTERRUPTED', message: 'abandoned by a stop request' } });
        continue;
      }
      const action = record.definition.stages[job.stageIndex]?.actions[job.actionIndex];
      const provider = action ? meridian.registry.find(actionTypeKey(action.type)) : undefined;
      await engine.recoverJob(job, provider?.capabilities.idempotent === true);
    }
    await engine.advance(record.id);
  }
  return candidates.map((c) => c.id);
}
