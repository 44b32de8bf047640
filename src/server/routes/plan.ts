import type { FastifyInstance } from 'fastify';
import { MeridianError } from '../../domain/errors.js';
import { medianDuration } from '../../stores/state/window-records.js';
import type { ServerContext } from '../context.js';
import { planView } from '../views/plan-view.js';

/**
 * `GET /api/pipelines/{name}/plan?at=ISO`: follow the night as of `at` (default now), the
 * same estimate and the same `lanes` as `meridian plan --json` (views/plan-view.ts). Expected durations: declared, else
 * the median of the action's last successful runs in this server's store.
 */
export function registerPlanRoute(app: FastifyInstance, { core, catalog }: ServerContext): void {
  app.get<{ Params: { name: string }; Querystring: { at?: string } }>('/api/pipelines/:name/plan', { config: { role: 'viewer' } }, async (request) => {
    const pipeline = catalog.get(request.params.name);
    const at = request.query.at === undefined ? core.clock.now() : new Date(request.query.at);
    if (Number.isNaN(at.getTime()))
      throw new MeridianError('BAD_INPUT', `at=${request.query.at ?? ''}: write an ISO 8601 instant such as 2026-03-29T01:30:00Z`);
    const known = new Map<string, number>();
    for (const stage of pipeline.stages) {
      for (const action of stage.actions) {
        const ms = action.expectedDurationMs ?? (await medianDuration(core.db, { pipeline: pipeline.name, stage: stage.name, action: action.name }));
        if (ms !== undefined) known.set(`${stage.name}/${action.name}`, ms);
      }
    }
    return planView(pipeline, at, (stage, action) => known.get(`${stage}/${action}`) ?? 0);
  });
}
