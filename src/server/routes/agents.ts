/**
 * The agent protocol over HTTP, for `meridian agent` processes (agent tokens only, each
 * scoped to one region; docs/server.md lists the routes):
 *
 *   claim     POST /api/agents/jobs/claim — waits up to the poll interval for a job of the
 *             agent's region; 200 with the job's spec and lease, or 204 (ask again)
 *   heartbeat POST /api/agents/jobs/:id/heartbeat — renews the lease; says when to abandon
 *   log       POST /api/agents/jobs/:id/log — appends masked lines to the action's log
 *   waiting   POST /api/agents/jobs/:id/waiting, GET .../approval — manual approvals
 *   artifacts GET .../inputs/:name, PUT .../outputs/:name (agent-artifacts.ts)
 *   values    GET .../parameter?name=, GET .../secret?reference= (agent-values.ts)
 *   complete  POST /api/agents/jobs/:id/complete — the outcome, while the lease is held
 *
 * Every route after the claim answers 403 for a job of another region and 409 once the
 * agent's lease is gone (the job was handed on: the agent drops it).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actionLogPath } from '../../agent/action-log.js';
import { prepareJob, type JobSpec } from '../../agent/job-spec.js';
import { MeridianError } from '../../domain/errors.js';
import type { TestReport } from '../../domain/test-report.js';
import { coerceError } from '../../lib/coerce-error.js';
import { agentSeen, liveAgents, runningJobs, touchAgent } from '../../stores/state/agent-records.js';
import type { JobRecord } from '../../stores/state/records.js';
import { agentSettings, liveSince } from '../agent-settings.js';
import type { ServerContext } from '../context.js';
import { JobWaiters } from '../job-waiters.js';
import { agentOf, ForbiddenError, heldJob, type AgentIdentity } from '../residency.js';
import { registerAgentArtifactRoutes } from './agent-artifacts.js';
import { registerAgentValueRoutes } from './agent-values.js';
import { parseBody } from './parse-body.js';

const claimBody = z
  .object({
    /** The region the agent was started for: it must be its token's. */
    region: z.string().min(1),
    labels: z.array(z.string().min(1).max(100)).max(50).default([]),
    concurrency: z.number().int().min(1).max(1024).default(1),
    /** Shorter than the server's poll interval, never longer. */
    waitMs: z.number().int().min(0).optional(),
  })
  .strict();

const logBody = z.object({ lines: z.array(z.string()).max(10_000) }).strict();
const waitingBody = z.object({ reason: z.string().min(1).max(2000) }).strict();
const completeBody = z
  .object({
    status: z.enum(['Succeeded', 'Failed', 'Abandoned']),
    outputVariables: z.record(z.string(), z.string()).optional(),
    error: z.object({ code: z.string().min(1), message: z.string() }).optional(),
    summary: z.string().optional(),
    reports: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .strict();

export function registerAgentRoutes(context: ServerContext): FastifyPluginCallback {
  return (app: FastifyInstance, _options, done) => {
    const { core } = context;
    const settings = agentSettings(context);
    const waiters = new JobWaiters(core.engine);
    /** Claims being answered: a closing server lets them answer 204 before it drops connections. */
    let claiming = 0;
    app.addHook('preClose', async () => {
      waiters.close();
      const until = Date.now() + 2000;
      while (claiming > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    });
    const now = (): string => new Date().toISOString();

    app.post('/api/agents/jobs/claim', { config: { role: 'agent' } }, async (request, reply) => {
      const agent = agentOf(request);
      const body = parseBody(claimBody, request.body ?? {});
      if (body.region !== agent.region) throw new ForbiddenError(`this agent was started for ${body.region}, but the token ${agent.name} is scoped to ${agent.region}`);
      await touchAgent(core.db, { id: agent.id, name: agent.name, region: agent.region, labels: body.labels, concurrency: body.concurrency }, now());
      const gone = new AbortController();
      request.raw.on('close', () => gone.abort());
      const deadline = Date.now() + Math.min(body.waitMs ?? settings.pollMs, settings.pollMs);
      claiming++;
      try {
        for (;;) {
          if (gone.signal.aborted || waiters.isClosed) return reply.code(204).send();
          const job = await core.dispatch.claim(agent.id, { regions: [agent.region] });
          if (job) {
            const spec = await specFor(job, agent);
            if (spec) return { spec, leaseMs: core.dispatch.leaseMs, heartbeatMs: core.dispatch.heartbeatMs };
            continue;
          }
          const left = deadline - Date.now();
          if (left <= 0) return reply.code(204).send();
          await waiters.wait(agent.region, Math.min(left, 1000), gone.signal);
        }
      } finally {
        claiming--;
      }
    });

    /** The job's spec as this agent may see it (its own region's store only); a job that cannot even be prepared fails here. */
    const specFor = async (job: JobRecord, agent: AgentIdentity): Promise<JobSpec | undefined> => {
      try {
        const spec = await prepareJob(core.store, job);
        await appendLog(actionLogPath(core.stateDir, job.executionId, spec.stage, spec.action.name, job.attempt), [`[agent ${agent.name} (${agent.id}) in ${agent.region} runs attempt ${job.attempt}]`]);
        const own = spec.artifactStores[agent.region];
        return { ...spec, artifactStores: own === undefined ? {} : { [agent.region]: own } };
      } catch (thrown) {
        const error = coerceError(thrown);
        await core.engine.completeJob(job, { status: 'Failed', error: { code: error.code, message: error.message } });
        return undefined;
      }
    };

    app.post<{ Params: { id: string } }>('/api/agents/jobs/:id/heartbeat', { config: { role: 'agent' } }, async (request) => {
      const agent = agentOf(request);
      const job = await heldJob(core.store, agent, request.params.id);
      if (!(await core.dispatch.renew(job.id, agent.id))) throw new MeridianError('CONFLICT', `agent ${agent.id} no longer holds job ${job.id}; drop it`);
      await agentSeen(core.db, agent.id, now());
      const execution = await core.store.getExecution(core.db, job.executionId);
      return { leaseExpiresAt: core.dispatch.leaseUntil(), abandon: execution.status === 'Stopping' && execution.stopMode === 'abandon' };
    });

    app.post<{ Params: { id: string } }>('/api/agents/jobs/:id/log', { config: { role: 'agent' } }, async (request, reply) => {
      const agent = agentOf(request);
      const job = await heldJob(core.store, agent, request.params.id);
      const { lines } = parseBody(logBody, request.body ?? {});
      if (lines.length > 0) {
        const action = await core.store.getAction(core.db, job);
        await appendLog(actionLogPath(core.stateDir, job.executionId, action.stage, action.name, job.attempt), lines);
      }
      return reply.code(204).send();
    });

    app.post<{ Params: { id: string } }>('/api/agents/jobs/:id/waiting', { config: { role: 'agent' } }, async (request, reply) => {
      const job = await heldJob(core.store, agentOf(request), request.params.id);
      await core.engine.setWaiting(job, parseBody(waitingBody, request.body ?? {}).reason);
      return reply.code(204).send();
    });

    app.get<{ Params: { id: string } }>('/api/agents/jobs/:id/approval', { config: { role: 'agent' } }, async (request) => {
      const job = await heldJob(core.store, agentOf(request), request.params.id);
      const action = await core.store.getAction(core.db, job);
      const answer = await core.store.findApproval(core.db, { executionId: job.executionId, stage: action.stage, action: action.name, since: job.createdAt });
      return { answer: answer ? { status: answer.status, comment: answer.comment, by: answer.by } : null };
    });

    app.post<{ Params: { id: string } }>('/api/agents/jobs/:id/complete', { config: { role: 'agent' } }, async (request) => {
      const agent = agentOf(request);
      await heldJob(core.store, agent, request.params.id);
      const body = parseBody(completeBody, request.body ?? {});
      const outcome = { ...body, reports: body.reports as TestReport[] | undefined };
      if (!(await core.dispatch.report(request.params.id, agent.id, outcome))) {
        throw new MeridianError('CONFLICT', `agent ${agent.id} no longer holds job ${request.params.id}; its outcome was not recorded`);
      }
      return { recorded: true };
    });

    app.get('/api/agents', { config: { role: 'viewer' } }, async () => {
      const running = await runningJobs(core.db);
      return (await liveAgents(core.db, liveSince(context))).map((agent) => ({ ...agent, jobs: running.filter((job) => job.owner === agent.id) }));
    });

    registerAgentArtifactRoutes(app, context, settings);
    registerAgentValueRoutes(app, context);
    done();
  };
}

/** Appends lines to an action's log, where the live log stream and `meridian logs` read it. */
async function appendLog(file: string, lines: string[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, lines.map((line) => `${line.replace(/\n/g, ' ')}\n`).join(''));
}
