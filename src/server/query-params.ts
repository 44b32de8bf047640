/**
 * Every `/api` route reads each query parameter as one string. Fastify parses `?a=1&a=2`
 * into an array, which a route would take for a string (the agent routes answered 500):
 * a parameter given more than once is refused, 400, before any route reads it.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { MeridianError } from '../domain/errors.js';

export function refuseRepeatedQuery(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (request.routeOptions.config.role !== undefined) {
    const query = request.query as Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(query ?? {})) {
      if (Array.isArray(value)) {
        done(new MeridianError('BAD_INPUT', `?${name}= is given ${value.length} times; give it once`));
        return;
      }
    }
  }
  done();
}
