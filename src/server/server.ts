/**
 * The HTTP side of `meridian serve` (Fastify): the API of DESIGN.md under `/api` (bearer
 * tokens, roles per route), GitHub webhooks, health and metrics. Errors are JSON
 * `{ error: { code, message } }` with the status their code implies.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { MeridianError } from '../domain/errors.js';
import { TokenStore } from '../stores/tokens/token-store.js';
import { errorBody, makeAuthenticator } from './auth.js';
import type { ServerContext } from './context.js';
import { ServerMetrics } from './metrics.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerDashboard } from './routes/dashboard.js';
import { registerExecutionRoutes } from './routes/executions.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerLogRoutes } from './routes/logs.js';
import { registerParameterRoutes } from './routes/parameters.js';
import { registerPipelineRoutes } from './routes/pipelines.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerWindowRoutes } from './routes/windows.js';
import { registerGithubWebhook } from './webhooks/github-webhook-route.js';

export interface RouteInfo {
  method: string;
  url: string;
  role: string | undefined;
}

export interface BuiltServer {
  app: FastifyInstance;
  metrics: ServerMetrics;
  /** Every route with the role it needs (undefined: public), for docs and tests. */
  routes: RouteInfo[];
}

const STATUS: Record<string, number> = {
  BAD_INPUT: 400,
  DEFINITION_INVALID: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

export async function buildServer(context: ServerContext): Promise<BuiltServer> {
  const app = Fastify({ logger: false, trustProxy: false, forceCloseConnections: true });
  const metrics = new ServerMetrics(context);
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url, role: route.config?.role });
  });
  app.addHook('onRequest', makeAuthenticator(new TokenStore(context.core.db), context.settings.adminToken));

  app.setErrorHandler((error: FastifyError | MeridianError, _request, reply) => {
    if (error instanceof MeridianError) {
      const status = STATUS[error.code] ?? (error.fault === 'user' ? 400 : 500);
      return reply.code(status).send(errorBody(error.code, error.message));
    }
    if (error.validation) return reply.code(400).send(errorBody('BAD_INPUT', error.message));
    if (error.statusCode === 413) return reply.code(413).send(errorBody('TOO_LARGE', error.message));
    if (error.statusCode !== undefined && error.statusCode < 500) return reply.code(error.statusCode).send(errorBody(error.code || 'BAD_INPUT', error.message));
    return reply.code(500).send(errorBody('INTERNAL', error.message));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)));

  registerHealthRoutes(app, context, metrics);
  registerPipelineRoutes(app, context);
  registerExecutionRoutes(app, context);
  registerLogRoutes(app, context);
  registerParameterRoutes(app, context);
  registerTokenRoutes(app, context);
  registerWindowRoutes(app, context);
  await app.register(registerGithubWebhook(context, metrics));
  await app.register(registerAgentRoutes(context));
  await app.register(registerDashboard(context));
  await app.ready();
  return { app, metrics, routes };
}
