import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { liveAgents } from '../../stores/state/agent-records.js';
import { liveSince } from '../agent-settings.js';
import type { ServerMetrics } from '../metrics.js';

/** `GET /healthz` (is the store reachable; what is loaded and running; remote agents by region) and `GET /metrics`. Both public. */
export function registerHealthRoutes(app: FastifyInstance, context: ServerContext, metrics: ServerMetrics): void {
  const { core, catalog } = context;
  app.get('/healthz', async (_request, reply) => {
    try {
      const running = await core.store.listExecutions(core.db, { unfinished: true });
      const byRegion: Record<string, number> = {};
      const agents = await liveAgents(core.db, liveSince(context));
      for (const agent of agents) byRegion[agent.region] = (byRegion[agent.region] ?? 0) + 1;
      return {
        status: 'ok',
        database: 'ok',
        pipelines: catalog.list().length,
        executionsInProgress: running.length,
        agents: { total: agents.length, byRegion },
      };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', database: error instanceof Error ? error.message : String(error) });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
