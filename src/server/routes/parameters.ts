import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

/** The parameter store's names, types and versions; never a value (admin only). */
export function registerParameterRoutes(app: FastifyInstance, { core }: ServerContext): void {
  app.get<{ Querystring: { path?: string } }>('/api/parameters', { config: { role: 'admin' } }, async (request) => {
    const options = request.query.path === undefined ? {} : { path: request.query.path, recursive: true };
    return core.parameters.list(options);
  });
}
