import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { parseBody } from './parse-body.js';

const overrideBody = z.object({ reason: z.string().trim().min(1, { error: 'say why the window is overridden' }).max(512) }).strict();

/** Deployment windows of an execution: an operator starts a region's waiting actions now. */
export function registerWindowRoutes(app: FastifyInstance, { core }: ServerContext): void {
  app.post<{ Params: { id: string; region: string } }>('/api/executions/:id/windows/:region/override', { config: { role: 'operator' } }, async (request) => {
    const id = await core.store.resolveExecutionId(core.db, request.params.id);
    const body = parseBody(overrideBody, request.body ?? {});
    const by = request.principal?.name ?? 'unknown';
    const actions = await core.engine.overrideWindow(id, request.params.region, by, body.reason);
    // The process that drives the execution starts the actions at its next advance; this one may be it.
    const execution = await core.store.getExecution(core.db, id);
    if (execution.owner === core.owner) await core.engine.advance(id);
    core.agent.wake();
    return { executionId: id, region: request.params.region, by, reason: body.reason, actions };
  });
}
