/**
 * The dashboard (web/, built into dist/web/ by `npm run build`) at `/`. Its files are public:
 * the data comes from the API with the token the user pastes. Built files have hashed names
 * under assets/ and are cached for good; index.html is revalidated. The build writes .br and
 * .gz copies, sent to browsers that accept them. The content security policy keeps every
 * request on this server: no CDN, no fonts or scripts from elsewhere.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { registerExecutionViewRoutes } from './execution-view.js';
import { registerMeRoute } from './me.js';
import { registerPlanRoute } from './plan.js';
import { registerReleaseRoutes } from './releases.js';

const POLICY =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** dist/web next to the bundle (dist/meridian.cjs), or from the sources (src/server/routes). */
export function dashboardRoot(): string {
  const candidates = [new URL('./web/', import.meta.url), new URL('../../../dist/web/', import.meta.url)].map((url) => fileURLToPath(url));
  return candidates.find((dir) => existsSync(`${dir}index.html`)) ?? candidates[0] ?? '';
}

/** The dashboard's files, and the API routes only it needs (each in its own file). */
export function registerDashboard(context: ServerContext, root = dashboardRoot()) {
  return async (app: FastifyInstance): Promise<void> => {
    registerMeRoute(app);
    registerExecutionViewRoutes(app, context);
    registerReleaseRoutes(app, context);
    registerPlanRoute(app, context);
    await app.register(fastifyStatic, {
      root,
      index: false,
      preCompressed: true,
      wildcard: true,
      // Set below, per file: send's default (max-age=0) would replace it.
      cacheControl: false,
      setHeaders: (res, file) => {
        res.setHeader('content-security-policy', POLICY);
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('cache-control', file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    app.get('/', (_request, reply) => {
      if (!existsSync(`${root}index.html`))
        return reply.code(503).type('text/plain; charset=utf-8').send('The dashboard is not built: run `npm run build` in the Meridian folder.\n');
      return reply.sendFile('index.html');
    });
  };
}
