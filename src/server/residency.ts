/**
 * Residency: an agent token is scoped to one region, and an agent gets only what belongs to
 * that region — the jobs of its region (and, through a job it holds, that job's own inputs,
 * replicated into its region first), and parameters and secrets that are not another
 * region's. A parameter or secret belongs to region R when R is one of the segments of its
 * name (`/service-x/eu-west-1/db-url`, `prod/us-east-1/api-key`); one whose name holds no
 * region is shared by every region. Everything else is refused with 403 FORBIDDEN.
 */
import type { FastifyRequest } from 'fastify';
import { MeridianError } from '../domain/errors.js';
import type { JobRecord } from '../domain/records.js';
import type { StateStore } from '../stores/state/state-store.js';

/** An error the server's error handler answers with 403 and its code. */
export class ForbiddenError extends Error {
  readonly statusCode = 403;
  readonly code = 'FORBIDDEN';
}

export interface AgentIdentity {
  /**
   * The owner of the leases this agent holds: its token's name and the `host:pid:nonce:start` it
   * sends as `X-Meridian-Agent`. The token is part of it, so another token of the region that
   * sends the same header holds none of this agent's jobs.
   */
  id: string;
  /** The `host:pid:nonce:start` it sent. */
  sent: string;
  /** Its token's name. */
  name: string;
  region: string;
}

const AGENT_ID = /^[A-Za-z0-9._:-]{1,200}$/;

/** Who is asking: the agent token's name and region, and the agent's own id. */
export function agentOf(request: FastifyRequest): AgentIdentity {
  const principal = request.principal;
  if (principal?.role !== 'agent' || principal.region === undefined)
    throw new ForbiddenError('only an agent token scoped to a region may use the agent protocol');
  const id = request.headers['x-meridian-agent'];
  if (typeof id !== 'string' || !AGENT_ID.test(id))
    throw new MeridianError('BAD_INPUT', 'send X-Meridian-Agent: <host:pid:nonce:start>, the id this agent holds its leases under');
  return { id: `${principal.name}/${id}`, sent: id, name: principal.name, region: principal.region };
}

/** The job `agent` holds, after checking it is of the agent's region (403) and its lease is still the agent's (409). */
export async function heldJob(store: StateStore, agent: AgentIdentity, jobId: string): Promise<JobRecord> {
  return checkHeld(await store.findJob(store.db, jobId), agent, jobId);
}

/** `heldJob` for several jobs in one statement: each id with its job, or with the error `heldJob` would throw. */
export async function heldJobs(store: StateStore, agent: AgentIdentity, jobIds: string[]): Promise<Map<string, JobRecord | Error>> {
  const found = new Map((await store.findJobs(store.db, jobIds)).map((job) => [job.id, job]));
  const held = new Map<string, JobRecord | Error>();
  for (const id of jobIds) {
    try {
      held.set(id, checkHeld(found.get(id), agent, id));
    } catch (error) {
      held.set(id, error as Error);
    }
  }
  return held;
}

function checkHeld(job: JobRecord | undefined, agent: AgentIdentity, jobId: string): JobRecord {
  if (!job) throw new MeridianError('NOT_FOUND', `no job ${jobId}`);
  if (job.region !== agent.region) throw new ForbiddenError(`job ${jobId} runs in ${job.region}; the token ${agent.name} is scoped to ${agent.region}`);
  if (job.status !== 'running' || job.leaseOwner !== agent.id) {
    throw new MeridianError('CONFLICT', `agent ${agent.id} no longer holds job ${jobId} (its lease expired and the job was handed on, or it ended); drop it`);
  }
  return job;
}

/** Refuses a parameter or secret name that belongs to a region other than the agent's. */
export function checkNameResidency(kind: 'parameter' | 'secret', name: string, agent: AgentIdentity, regions: Iterable<string>): void {
  const other = regionsOfName(name, regions).find((region) => region !== agent.region);
  if (other !== undefined) {
    throw new ForbiddenError(`${kind} ${name} belongs to region ${other}; the token ${agent.name} is scoped to ${agent.region}`);
  }
}

/** The regions a name is scoped to: those of its `/`-separated segments (before any `:version` or `:json-key`) that are known regions. */
export function regionsOfName(name: string, regions: Iterable<string>): string[] {
  const known = new Set(regions);
  return (name.split(':')[0] ?? '').split('/').filter((segment) => known.has(segment));
}
