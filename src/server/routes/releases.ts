import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { regionReleases } from '../views/region-releases.js';

/** `GET /api/pipelines/{name}/releases`: per region, the live release and the region's health. */
export function registerReleaseRoutes(app: FastifyInstance, { core, catalog }: ServerContext): void {
  app.get<{ Params: { name: string } }>('/api/pipelines/:name/releases', { config: { role: 'viewer' } }, async (request) => {
    const pipeline = catalog.get(request.params.name);
    return { pipeline: pipeline.name, regions: await regionReleases(core.db, pipeline) };
  });
}
