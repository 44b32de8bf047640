/**
 * Dispatch to a remote agent (engine/dispatch/job-dispatch.ts over HTTP): claims up to as many as it has free slots (one statement),
 * prepares each one's spec as that agent may see it (its own region's store only), notes in
 * each action's log which agent runs it, and remembers that the agent was seen. Used by the
 * claim route (which long-polls when nothing is queued) and by the complete route (an agent
 * that reports a job asks for its slot's next one in the same request).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { actionLogPath } from '../stores/logs/action-log.js';
import { JobSpecReader } from '../engine/dispatch/job-specs.js';
import type { JobSpec } from '../domain/jobs/job-spec.js';
import { coerceError } from '../lib/coerce-error.js';
import { agentSeen, touchAgent } from '../stores/state/agent-records.js';
import type { JobRecord } from '../domain/records.js';
import type { Meridian } from '../meridian.js';
import type { AgentIdentity } from './residency.js';

/** The answer to an agent's claim or report: the jobs dispatched to it, and their lease. */
export interface DispatchedJobs {
  /** The first of `specs`, for clients that claim one job at a time. */
  spec?: JobSpec;
  specs: JobSpec[];
  leaseMs: number;
  heartbeatMs: number;
}

/** How long a server goes without writing that an agent it hears from is alive (agents count as alive for far longer). */
const SEEN_EVERY_MS = 1000;

export class RemoteDispatch {
  /** Agent id -> when this server last wrote it down as seen. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly core: Meridian) {}

  /** Agent id -> how it last presented itself to this server. */
  private readonly presented = new Map<string, string>();

  /** Records the agent as it presents itself (region, labels, concurrency) on a long-poll: when that changed, or it was not written down as seen for a second. */
  async present(agent: AgentIdentity, presented: { labels: string[]; concurrency: number }): Promise<void> {
    const presentation = JSON.stringify([agent.name, agent.region, presented.labels, presented.concurrency]);
    if (this.presented.get(agent.id) === presentation && Date.now() - (this.seen.get(agent.id) ?? 0) < SEEN_EVERY_MS) return;
    await touchAgent(this.core.db, { id: agent.id, name: agent.name, region: agent.region, ...presented }, new Date().toISOString());
    this.presented.set(agent.id, presentation);
    this.seen.set(agent.id, Date.now());
  }

  /** The agent is alive (a heartbeat, a report); written at most once a second per agent. */
  async sawAgent(agent: AgentIdentity): Promise<void> {
    const last = this.seen.get(agent.id) ?? 0;
    if (Date.now() - last < SEEN_EVERY_MS) return;
    this.seen.set(agent.id, Date.now());
    await agentSeen(this.core.db, agent.id, new Date().toISOString());
  }

  /** Claims up to `max` jobs of the agent's region that ask for no label it lacks; none when none is queued. */
  async claim(agent: AgentIdentity, max: number, labels: string[]): Promise<JobSpec[]> {
    const jobs = await this.core.dispatch.claimMany(agent.id, { regions: [agent.region], labels }, max);
    if (jobs.length === 0) return [];
    const reader = new JobSpecReader(this.core.store, this.core.parameters);
    const specs: JobSpec[] = [];
    for (const job of jobs) {
      const spec = await this.specFor(reader, job, agent);
      if (spec) specs.push(spec);
    }
    return specs;
  }

  answer(specs: JobSpec[]): DispatchedJobs {
    const { dispatch } = this.core;
    return { ...(specs[0] ? { spec: specs[0] } : {}), specs, leaseMs: dispatch.leaseMs, heartbeatMs: dispatch.heartbeatMs };
  }

  /** The job's spec as this agent may see it; a job that cannot even be prepared fails here. */
  private async specFor(reader: JobSpecReader, job: JobRecord, agent: AgentIdentity): Promise<JobSpec | undefined> {
    try {
      const spec = await reader.prepare(job);
      appendLog(actionLogPath(this.core.stateDir, job.executionId, spec.stage, spec.action.name, job.attempt), [
        `[agent ${agent.name} (${agent.sent}) in ${agent.region} runs attempt ${job.attempt}]`,
      ]);
      const own = spec.artifactStores[agent.region];
      return { ...spec, artifactStores: own === undefined ? {} : { [agent.region]: own } };
    } catch (thrown) {
      const error = coerceError(thrown);
      await this.core.engine.completeJob(job, { status: 'Failed', error: { code: error.code, message: error.message } });
      return undefined;
    }
  }
}

/** Appends lines to an action's log, where the live log stream and `meridian logs` read it. */
export function appendLog(file: string, lines: string[]): void {
  const text = lines.map((line) => `${line.replace(/\n/g, ' ')}\n`).join('');
  // Synchronous: a few lines at a time, twice per job on the dispatch path, and the
  // promise-based calls cost several times the CPU (each of open, write and close is a
  // hand-off to libuv's thread pool and back). The folder is made by the first line of the
  // action's log; later ones skip the mkdir.
  try {
    appendFileSync(file, text);
  } catch (thrown) {
    if ((thrown as NodeJS.ErrnoException).code !== 'ENOENT') throw thrown;
    mkdirSync(path.dirname(file), { recursive: true });
    appendFileSync(file, text);
  }
}
