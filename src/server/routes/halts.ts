import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MeridianError } from '../../domain/errors.js';
import { MAX_REASON } from '../../engine/halts.js';
import { activeHalts, haltHistory } from '../../stores/state/halt-records.js';
import { errorBody } from '../auth.js';
import type { ServerContext } from '../context.js';
import { parseBody } from './parse-body.js';

const region = z.string().trim().min(1).max(128);
const reason = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `say why ${what}` })
    .max(MAX_REASON);
const haltBody = z.object({ region: region.optional(), reason: reason('deploys are halted') }).strict();
const liftBody = z.object({ region: region.optional(), reason: reason('the halt is lifted') }).strict();

/**
 * Emergency halts (engine/halts.ts): an operator stops deploy steps from starting in a region,
 * or everywhere, and lifts the halt; `by` is the token's name. A halt names a region some
 * loaded pipeline declares. The executions this server drives are advanced at once (the
 * engine does it); other servers' at their next tick.
 */
export function registerHaltRoutes(app: FastifyInstance, { core, catalog }: ServerContext): void {
  app.get<{ Querystring: { all?: string } }>('/api/halts', { config: { role: 'viewer' } }, async (request) => {
    const all = request.query.all === '1' || request.query.all === 'true';
    return all ? haltHistory(core.db) : activeHalts(core.db);
  });

  app.post('/api/halts', { config: { role: 'operator' } }, async (request, reply) => {
    const body = parseBody(haltBody, request.body ?? {});
    const knownRegions = catalog
      .list()
      .flatMap((p) => [p.homeRegion, ...p.regions.map((r) => r.name), ...p.stages.flatMap((s) => s.actions.map((a) => a.region))]);
    try {
      const done = await core.engine.halt({ region: body.region ?? null, by: request.principal?.name ?? 'unknown', reason: body.reason, knownRegions });
      return await reply.code(201).send({ ...done.halt, executions: done.executions });
    } catch (error) {
      // The halt that stands goes with the refusal, so a client can show who, when and why.
      if (error instanceof MeridianError && error.code === 'CONFLICT')
        return reply.code(409).send({ ...errorBody(error.code, error.message), halt: error.details.halt });
      throw error;
    }
  });

  app.post('/api/halts/lift', { config: { role: 'operator' } }, async (request) => {
    const body = parseBody(liftBody, request.body ?? {});
    const done = await core.engine.liftHalt({ region: body.region ?? null, by: request.principal?.name ?? 'unknown', reason: body.reason });
    return { ...done.halt, executions: done.executions };
  });
}
