/**
 * Remote agents as the servers see them: each poll for a job and each lease renewal says the
 * agent is alive (`touchAgent`), so every server sharing the database can count them; and the
 * queue each region's agents draw from.
 */
import type { Db } from './state-store.js';

export interface AgentRecord {
  /** `host:pid:nonce:start`, the owner written on the leases it holds. */
  id: string;
  /** Its token's name. */
  name: string;
  region: string;
  labels: string[];
  concurrency: number;
  startedAt: string;
  lastSeenAt: string;
}

export async function touchAgent(db: Db, agent: Omit<AgentRecord, 'startedAt' | 'lastSeenAt'>, at: string): Promise<void> {
  await db
    .insertInto('agents')
    .values({
      id: agent.id,
      name: agent.name,
      region: agent.region,
      labels: JSON.stringify(agent.labels),
      concurrency: agent.concurrency,
      started_at: at,
      last_seen_at: at,
    })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ name: agent.name, region: agent.region, labels: JSON.stringify(agent.labels), concurrency: agent.concurrency, last_seen_at: at }),
    )
    .execute();
}

/** A lease renewal: the agent is still there (what it presented when it claimed stays). */
export async function agentSeen(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('agents').set({ last_seen_at: at }).where('id', '=', id).execute();
}

/** Agents seen at or after `since`, by region then name. */
export async function liveAgents(db: Db, since: string): Promise<AgentRecord[]> {
  const rows = await db.selectFrom('agents').selectAll().where('last_seen_at', '>=', since).orderBy('region').orderBy('name').orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    region: row.region,
    labels: JSON.parse(row.labels) as string[],
    concurrency: row.concurrency,
    startedAt: row.started_at,
    lastSeenAt: row.last_seen_at,
  }));
}

/** Jobs by region and status (`queued`, `running`): the queue depth each region's agents see. */
export async function jobsByRegion(db: Db): Promise<Array<{ region: string; status: string; count: number }>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['region', 'status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status', 'in', ['queued', 'running'])
    .groupBy(['region', 'status'])
    .execute();
  return rows.map((row) => ({ region: row.region, status: row.status, count: Number(row.count) }));
}

export interface HeldJob {
  id: string;
  /** The lease owner: an agent's or a server's id. */
  owner: string;
  executionId: string;
  stage: string;
  action: string;
  region: string;
  attempt: number;
  leaseExpiresAt: string | null;
}

/** Running jobs and who holds them. */
export async function runningJobs(db: Db): Promise<HeldJob[]> {
  const rows = await db
    .selectFrom('jobs')
    .innerJoin('action_executions', (join) =>
      join
        .onRef('action_executions.execution_id', '=', 'jobs.execution_id')
        .onRef('action_executions.stage_index', '=', 'jobs.stage_index')
        .onRef('action_executions.action_index', '=', 'jobs.action_index'),
    )
    .select([
      'jobs.id',
      'jobs.lease_owner',
      'jobs.execution_id',
      'jobs.region',
      'jobs.attempt',
      'jobs.lease_expires_at',
      'action_executions.stage',
      'action_executions.name',
    ])
    .where('jobs.status', '=', 'running')
    .orderBy('jobs.created_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    owner: row.lease_owner ?? '',
    executionId: row.execution_id,
    stage: row.stage,
    action: row.name,
    region: row.region,
    attempt: row.attempt,
    leaseExpiresAt: row.lease_expires_at,
  }));
}
