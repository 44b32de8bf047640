import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ROLES, TokenStore } from '../../stores/tokens/token-store.js';
import type { ServerContext } from '../context.js';
import { parseBody } from './parse-body.js';

const createBody = z.object({ name: z.string().min(1).max(100), role: z.enum(ROLES), region: z.string().min(1).max(100).optional() }).strict();

/** API tokens (admin only): the new token's value is in the response to its creation, once. An agent token names its region. */
export function registerTokenRoutes(app: FastifyInstance, { core }: ServerContext): void {
  const tokens = new TokenStore(core.db);
  app.get('/api/tokens', { config: { role: 'admin' } }, async () => tokens.list());
  app.post('/api/tokens', { config: { role: 'admin' } }, async (request, reply) => {
    const body = parseBody(createBody, request.body ?? {});
    return reply.code(201).send(await tokens.create(body.name, body.role, core.clock.now().toISOString(), body.region ?? null));
  });
  app.delete<{ Params: { id: string } }>('/api/tokens/:id', { config: { role: 'admin' } }, async (request) =>
    tokens.revoke(request.params.id, core.clock.now().toISOString()),
  );
}
