import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import type { ServerMetrics } from '../metrics.js';

/** `GET /healthz` (is the store reachable; what is loaded and running) and `GET /metrics`. Both public. */
export function registerHealthRoutes(app: FastifyInstance, { core, catalog }: ServerContext, metrics: ServerMetrics): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      const running = await core.store.listExecutions(core.db, { unfinished: true });
      return { status: 'ok', database: 'ok', pipelines: catalog.list().length, executionsInProgress: running.length };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', database: error instanceof Error ? error.message : String(error) });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
