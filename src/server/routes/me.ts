import type { FastifyInstance } from 'fastify';
import { allows } from '../auth.js';

/** `GET /api/me`: who the token is and what it may do, so the dashboard shows only the buttons that would work. */
export function registerMeRoute(app: FastifyInstance): void {
  app.get('/api/me', { config: { role: 'viewer' } }, (request) => {
    const principal = request.principal ?? { name: 'unknown', role: 'viewer' as const };
    return { name: principal.name, role: principal.role, canOperate: allows(principal, 'operator'), canAdminister: allows(principal, 'admin') };
  });
}
