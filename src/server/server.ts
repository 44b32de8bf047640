/**
 * The HTTP side of `meridian serve` (Fastify): the API of docs/server.md under `/api` (bearer
 * tokens, roles per route), GitHub webhooks, health and metrics. Errors are JSON
 * `{ error: { code, message } }` with the status their code implies; a query parameter
 * given twice on an `/api` route is a 400.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { TokenStore } from '../stores/tokens/token-store.js';
import { errorBody, makeAuthenticator } from './auth.js';
import type { ServerContext } from './context.js';
import { makeErrorHandler } from './error-handler.js';
import { ServerMetrics } from './metrics.js';
import { refuseRepeatedQuery } from './query-params.js';
import { registerSecretFilter } from './secret-filter.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerDashboard } from './routes/dashboard.js';
import { registerExecutionRoutes } from './routes/executions.js';
import { registerHaltRoutes } from './routes/halts.js';
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

export async function buildServer(context: ServerContext): Promise<BuiltServer> {
  const app = Fastify({ logger: false, trustProxy: false, forceCloseConnections: true });
  const metrics = new ServerMetrics(context);
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url, role: route.config?.role });
  });
  app.addHook('onRequest', makeAuthenticator(new TokenStore(context.core.db), context.settings.adminToken));
  app.addHook('preValidation', refuseRepeatedQuery);
  registerSecretFilter(app, context.catalog, context.core);

  app.setErrorHandler(makeErrorHandler({ onUnexpected: context.settings.onError }));
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)));

  registerHealthRoutes(app, context, metrics);
  registerPipelineRoutes(app, context);
  registerExecutionRoutes(app, context);
  registerLogRoutes(app, context);
  registerParameterRoutes(app, context);
  registerTokenRoutes(app, context);
  registerWindowRoutes(app, context);
  registerHaltRoutes(app, context);
  await app.register(registerGithubWebhook(context, metrics));
  await app.register(registerAgentRoutes(context));
  await app.register(registerDashboard(context));
  await app.ready();
  return { app, metrics, routes };
}
