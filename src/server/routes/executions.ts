import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MeridianError } from '../../domain/errors.js';
import type { ApprovalRecord } from '../../domain/records.js';
import { toSummary } from '../../engine/execution-summary.js';
import { errorBody } from '../auth.js';
import type { ServerContext } from '../context.js';
import { parseBody } from './parse-body.js';

const stopBody = z.object({ abandon: z.boolean().optional(), reason: z.string().max(200).optional() }).strict();
const retryBody = z.object({ stage: z.string().min(1).optional(), retryMode: z.enum(['FAILED_ACTIONS', 'ALL_ACTIONS']).optional() }).strict();
const approvalBody = z.object({ status: z.enum(['Approved', 'Rejected']), comment: z.string().max(512).optional(), stage: z.string().optional() }).strict();
const listQuery = z.object({
  pipeline: z.string().optional(),
  status: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Executions: list, show, events; and steering them (stop, retry, approvals) with the operator role. */
export function registerExecutionRoutes(app: FastifyInstance, { core }: ServerContext): void {
  const { store, db, engine } = core;

  app.get('/api/executions', { config: { role: 'viewer' } }, async (request) => {
    const query = parseBody(listQuery, request.query);
    const heads = await store.listExecutionHeads(db, query);
    return heads.map((head) => ({
      executionId: head.id,
      pipeline: head.pipeline,
      status: head.status,
      startedAt: head.startedAt,
      endedAt: head.endedAt,
      trigger: head.trigger,
    }));
  });

  app.get<{ Params: { id: string } }>('/api/executions/:id', { config: { role: 'viewer' } }, async (request) => {
    const id = await store.resolveExecutionId(db, request.params.id);
    return toSummary(await store.snapshot(db, id));
  });

  app.get<{ Params: { id: string }; Querystring: { after?: string } }>('/api/executions/:id/events', { config: { role: 'viewer' } }, async (request) => {
    const id = await store.resolveExecutionId(db, request.params.id);
    return store.events(db, id, Number(request.query.after ?? 0) || 0);
  });

  app.post<{ Params: { id: string } }>('/api/executions/:id/stop', { config: { role: 'operator' } }, async (request, reply) => {
    const id = await store.resolveExecutionId(db, request.params.id);
    const body = parseBody(stopBody, request.body ?? {});
    const by = request.principal?.name ?? 'unknown';
    await engine.requestStop(id, body.abandon === true, `${body.reason ?? 'no reason given'} (by ${by})`);
    core.agent.wake();
    return reply.code(202).send({ executionId: id, status: 'Stopping' });
  });

  app.post<{ Params: { id: string } }>('/api/executions/:id/retry', { config: { role: 'operator' } }, async (request) => {
    const id = await store.resolveExecutionId(db, request.params.id);
    const body = parseBody(retryBody, request.body ?? {});
    const options: Parameters<typeof engine.retry>[1] = { mode: body.retryMode === 'ALL_ACTIONS' ? 'all' : 'failed' };
    if (body.stage !== undefined) options.stage = body.stage;
    const stage = await engine.retry(id, options);
    core.agent.wake();
    return { executionId: id, stage, retryMode: body.retryMode ?? 'FAILED_ACTIONS' };
  });

  // The first answer stands: a later one is 409 with the one that stands (status, by, at) beside the message.
  app.post<{ Params: { id: string; action: string } }>('/api/executions/:id/approvals/:action', { config: { role: 'operator' } }, async (request, reply) => {
    const id = await store.resolveExecutionId(db, request.params.id);
    const body = parseBody(approvalBody, request.body ?? {});
    const by = request.principal?.name ?? 'unknown';
    const answer: Parameters<typeof engine.answerApproval>[2] = { status: body.status, comment: body.comment ?? null, by };
    if (body.stage !== undefined) answer.stage = body.stage;
    try {
      await engine.answerApproval(id, request.params.action, answer);
    } catch (error) {
      if (!(error instanceof MeridianError) || error.code !== 'CONFLICT' || error.details.answer === undefined) throw error;
      const { status, by: answeredBy, at, comment } = error.details.answer as ApprovalRecord;
      return reply.code(409).send({ ...errorBody('CONFLICT', error.message), answer: { status, by: answeredBy, at, comment } });
    }
    return { executionId: id, action: request.params.action, status: body.status, by };
  });
}
