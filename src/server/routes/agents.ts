/**
 * The agent protocol over HTTP, for `meridian agent` processes (agent tokens only, each
 * scoped to one region; docs/server.md lists the routes):
 *
 *   claim     POST /api/agents/jobs/claim — waits up to the poll interval for jobs of the
 *             agent's region; 200 with up to `max` jobs' specs and the lease, or 204 (ask again)
 *   heartbeat POST /api/agents/jobs/:id/heartbeat — renews the lease; says when to abandon
 *   log       POST /api/agents/jobs/:id/log — appends masked lines to the action's log
 *   waiting   POST /api/agents/jobs/:id/waiting, GET .../approval — manual approvals
 *   artifacts GET .../inputs/:name, PUT .../outputs/:name (agent-artifacts.ts)
 *   values    GET .../parameter?name=, GET .../secret?reference= (agent-values.ts)
 *   complete  POST /api/agents/jobs/:id/complete — the outcome (with the log's last lines),
 *             while the lease is held; `claimNext` claims the freed slot's next job in the
 *             same round trip, without waiting. POST /api/agents/jobs/complete: the outcomes
 *             of several jobs (those that ended while the agent's last report was in flight)
 *
 * Every route after the claim answers 403 for a job of another region and 409 once the
 * agent's lease is gone (the job was handed on: the agent drops it).
 */
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actionLogPath } from '../../stores/logs/action-log.js';
import { MeridianError } from '../../domain/errors.js';
import type { TestReport } from '../../domain/test-report.js';
import { coerceError } from '../../lib/coerce-error.js';
import { liveAgents, runningJobs } from '../../stores/state/agent-records.js';
import type { JobRecord } from '../../domain/records.js';
import { agentSettings, liveSince } from '../agent-settings.js';
import type { ServerContext } from '../context.js';
import { appendLog, RemoteDispatch, type DispatchedJobs } from '../remote-dispatch.js';
import { JobWaiters } from '../job-waiters.js';
import { agentOf, ForbiddenError, heldJob, heldJobs, type AgentIdentity } from '../residency.js';
import { registerAgentArtifactRoutes } from './agent-artifacts.js';
import { registerAgentValueRoutes } from './agent-values.js';
import { parseBody } from './parse-body.js';

const claimBody = z
  .object({
    /** The region the agent was started for: it must be its token's. */
    region: z.string().min(1),
    labels: z.array(z.string().min(1).max(100)).max(50).default([]),
    concurrency: z.number().int().min(1).max(1024).default(1),
    /** How many jobs the agent takes at once (its free slots). */
    max: z.number().int().min(1).max(1024).default(1),
    /** Shorter than the server's poll interval, never longer. */
    waitMs: z.number().int().min(0).optional(),
  })
  .strict();

const logBody = z.object({ lines: z.array(z.string()).max(10_000) }).strict();
const waitingBody = z.object({ reason: z.string().min(1).max(2000) }).strict();
/** A job's outcome as an agent reports it. */
const outcomeFields = {
  status: z.enum(['Succeeded', 'Failed', 'Abandoned']),
  outputVariables: z.record(z.string(), z.string()).optional(),
  error: z.object({ code: z.string().min(1), message: z.string() }).optional(),
  summary: z.string().optional(),
  reports: z.array(z.record(z.string(), z.unknown())).optional(),
  /** The log's last lines, appended before the outcome is recorded (no separate log request). */
  log: z.array(z.string()).max(10_000).optional(),
};
/** Claim up to this many jobs for the freed slot(s) in the same round trip, without waiting; `labels`: the agent's, for that claim. */
const claimNextFields = {
  claimNext: z.number().int().min(0).max(1024).optional(),
  labels: z.array(z.string().min(1).max(100)).max(50).optional(),
};
const completeBody = z.object({ ...outcomeFields, ...claimNextFields }).strict();
/** Outcomes of several jobs that ended while the agent's previous report was in flight. */
const completeManyBody = z
  .object({
    reports: z
      .array(z.object({ jobId: z.string().min(1), ...outcomeFields }).strict())
      .min(1)
      .max(1024),
    ...claimNextFields,
  })
  .strict();

type Outcome = Omit<z.infer<typeof completeBody>, 'claimNext' | 'labels'>;

/** The largest batch of outcomes a server takes in one request (their log tails included); a larger one is 413 and the agent reports each job on its own. */
const BATCH_BODY_LIMIT = 16 * 1024 * 1024;

/** One report of a batch: recorded, or refused as the single-job route would answer it. */
type CompleteResult = { jobId: string; recorded: true } | { jobId: string; status: number; error: { code: string; message: string } };

function refusal(error: Error): { status: number; error: { code: string; message: string } } {
  if (error instanceof ForbiddenError) return { status: 403, error: { code: error.code, message: error.message } };
  const code = error instanceof MeridianError ? error.code : 'INTERNAL';
  return { status: code === 'NOT_FOUND' ? 404 : code === 'CONFLICT' ? 409 : 500, error: { code, message: error.message } };
}

export function registerAgentRoutes(context: ServerContext): FastifyPluginCallback {
  return (app: FastifyInstance, _options, done) => {
    const { core } = context;
    const settings = agentSettings(context);
    const waiters = new JobWaiters(core.engine, core.onJobsNotified);
    const remote = new RemoteDispatch(core);
    /** Claims being answered: a closing server lets them answer 204 before it drops connections. */
    let claiming = 0;
    app.addHook('preClose', async () => {
      waiters.close();
      const until = Date.now() + 2000;
      while (claiming > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    });
    /** An action's log file, found from the job (the definition names its stage and action). */
    const logFileOf = async (job: JobRecord): Promise<string> => {
      const stage = (await core.store.definition(core.db, job.executionId)).stages[job.stageIndex];
      const action = stage?.actions[job.actionIndex];
      if (!stage || !action) throw new MeridianError('INTERNAL', `job ${job.id} names an action that is not in the definition`);
      return actionLogPath(core.stateDir, job.executionId, stage.name, action.name, job.attempt);
    };

    app.post('/api/agents/jobs/claim', { config: { role: 'agent' } }, async (request, reply) => {
      const agent = agentOf(request);
      const body = parseBody(claimBody, request.body ?? {});
      if (body.region !== agent.region)
        throw new ForbiddenError(`this agent was started for ${body.region}, but the token ${agent.name} is scoped to ${agent.region}`);
      await remote.present(agent, { labels: body.labels, concurrency: body.concurrency });
      const gone = new AbortController();
      request.raw.on('close', () => gone.abort());
      const deadline = Date.now() + Math.min(body.waitMs ?? settings.pollMs, settings.pollMs);
      claiming++;
      try {
        for (;;) {
          if (gone.signal.aborted || waiters.isClosed) return reply.code(204).send();
          const specs = await remote.claim(agent, body.max, body.labels);
          if (specs.length > 0) return remote.answer(specs);
          const left = deadline - Date.now();
          if (left <= 0) return reply.code(204).send();
          await waiters.wait(agent.region, Math.min(left, 1000), gone.signal);
        }
      } finally {
        claiming--;
      }
    });

    app.post<{ Params: { id: string } }>('/api/agents/jobs/:id/heartbeat', { config: { role: 'agent' } }, async (request) => {
      const agent = agentOf(request);
      const job = await heldJob(core.store, agent, request.params.id);
      if (!(await core.dispatch.renew(job.id, agent.id))) throw new MeridianError('CONFLICT', `agent ${agent.id} no longer holds job ${job.id}; drop it`);
      await remote.sawAgent(agent);
      const execution = await core.store.getExecution(core.db, job.executionId);
      return { leaseExpiresAt: core.dispatch.leaseUntil(), abandon: execution.status === 'Stopping' && execution.stopMode === 'abandon' };
    });

    app.post<{ Params: { id: string } }>('/api/agents/jobs/:id/log', { config: { role: 'agent' } }, async (request, reply) => {
      const agent = agentOf(request);
      const job = await heldJob(core.store, agent, request.params.id);
      const { lines } = parseBody(logBody, request.body ?? {});
      if (lines.length > 0) appendLog(await logFileOf(job), lines);
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
      // Since the action started: a job handed on keeps its start (an answer given while the lost agent held it counts).
      const answer = await core.store.findApproval(core.db, {
        executionId: job.executionId,
        stage: action.stage,
        action: action.name,
        since: action.startedAt ?? job.createdAt,
      });
      return { answer: answer ? { status: answer.status, comment: answer.comment, by: answer.by } : null };
    });

    /** Records outcomes of jobs the agent holds: their logs' last lines first (followers stop reading when an action ends), then one transaction per execution. */
    const record = async (ended: Array<{ job: JobRecord; outcome: Outcome }>): Promise<void> => {
      for (const { job, outcome } of ended) if (outcome.log && outcome.log.length > 0) appendLog(await logFileOf(job), outcome.log);
      await core.dispatch.reportManyHeld(
        ended.map(({ job, outcome: { log: _log, ...outcome } }) => ({ job, outcome: { ...outcome, reports: outcome.reports as TestReport[] | undefined } })),
      );
    };
    /** The freed slots' next jobs; the outcomes are recorded whatever happens here: a failed claim only means no next job. */
    const claimNext = async (
      request: FastifyRequest,
      agent: AgentIdentity,
      max: number | undefined,
      labels: string[] | undefined,
    ): Promise<Partial<DispatchedJobs>> => {
      await remote.sawAgent(agent);
      if (!max || waiters.isClosed) return {};
      const specs = await remote.claim(agent, max, labels ?? []).catch((thrown: unknown) => {
        request.log.error(coerceError(thrown));
        return [];
      });
      return remote.answer(specs);
    };

    app.post<{ Params: { id: string } }>(
      '/api/agents/jobs/:id/complete',
      { config: { role: 'agent' } },
      async (request): Promise<{ recorded: true } & Partial<DispatchedJobs>> => {
        const agent = agentOf(request);
        const { claimNext: max, labels, ...outcome } = parseBody(completeBody, request.body ?? {});
        // Received: from here the lease sweep leaves the job to this report (lease-expiry.ts).
        await core.dispatch.receiving([request.params.id], async () => {
          const job = await heldJob(core.store, agent, request.params.id);
          await record([{ job, outcome }]);
        });
        return { recorded: true, ...(await claimNext(request, agent, max, labels)) };
      },
    );

    // Several jobs' log tails in one body: more room than one job's report gets.
    app.post(
      '/api/agents/jobs/complete',
      { config: { role: 'agent' }, bodyLimit: BATCH_BODY_LIMIT },
      async (request): Promise<{ results: CompleteResult[] } & Partial<DispatchedJobs>> => {
        const agent = agentOf(request);
        const { reports, claimNext: max, labels } = parseBody(completeManyBody, request.body ?? {});
        const ids = reports.map((report) => report.jobId);
        const results = await core.dispatch.receiving(ids, async () => {
          const held = await heldJobs(core.store, agent, ids);
          const ended: Array<{ job: JobRecord; outcome: Outcome }> = [];
          const answers: CompleteResult[] = reports.map(({ jobId, ...outcome }) => {
            const job = held.get(jobId);
            if (job === undefined || job instanceof Error) return { jobId, ...refusal(job ?? new MeridianError('NOT_FOUND', `no job ${jobId}`)) };
            // A job named twice in one batch is recorded once; the second is as late as any report after the first.
            if (ended.some((entry) => entry.job.id === jobId))
              return { jobId, ...refusal(new MeridianError('CONFLICT', `job ${jobId} is reported twice in this request; its first outcome is recorded`)) };
            ended.push({ job, outcome });
            return { jobId, recorded: true };
          });
          await record(ended);
          return answers;
        });
        return { results, ...(await claimNext(request, agent, max, labels)) };
      },
    );

    app.get('/api/agents', { config: { role: 'viewer' } }, async () => {
      const running = await runningJobs(core.db);
      return (await liveAgents(core.db, liveSince(context))).map((agent) => ({ ...agent, jobs: running.filter((job) => job.owner === agent.id) }));
    });

    registerAgentArtifactRoutes(app, context, settings);
    registerAgentValueRoutes(app, context);
    done();
  };
}
