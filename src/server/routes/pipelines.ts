import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MeridianError } from '../../domain/errors.js';
import type { Pipeline } from '../../domain/pipeline.js';
import { redactPipeline } from '../../lib/redact-pipeline.js';
import { startExecution } from '../../engine/start-execution.js';
import type { SourceOverride } from '../../domain/records.js';
import { findDelivery, recordDelivery } from '../../stores/state/delivery-records.js';
import type { ServerContext } from '../context.js';
import { parseBody } from './parse-body.js';

/** StartPipelineExecution's request, as JSON: variables, source revisions, an idempotency token. */
const startBody = z
  .object({
    variables: z
      .union([z.array(z.object({ name: z.string().regex(/^[A-Za-z0-9@\-_]+$/), value: z.string().min(1) })), z.record(z.string(), z.string().min(1))])
      .optional(),
    sourceRevisions: z
      .array(z.object({ actionName: z.string().min(1), revisionType: z.literal('COMMIT_ID'), revisionValue: z.string().regex(/^[0-9a-f]{4,64}$/i) }))
      .max(50)
      .optional(),
    clientRequestToken: z
      .string()
      .regex(/^[a-zA-Z0-9-]{1,128}$/)
      .optional(),
    disruptive: z.boolean().optional(),
  })
  .strict();

/** RollbackStage's request: an execution to go back to (else each region's last good run), some regions. */
const rollbackBody = z.object({ targetPipelineExecutionId: z.string().min(1).optional(), regions: z.array(z.string().min(1)).min(1).optional() }).strict();

export function registerPipelineRoutes(app: FastifyInstance, context: ServerContext): void {
  const { core, catalog } = context;

  app.get('/api/pipelines', { config: { role: 'viewer' } }, async () => {
    const result = [];
    for (const pipeline of catalog.list()) {
      const [last] = await core.store.listExecutions(core.db, { pipeline: pipeline.name, limit: 1 });
      result.push({
        ...describePipeline(pipeline, catalog.fileOf(pipeline.name)),
        lastExecution: last ? { executionId: last.id, status: last.status, startedAt: last.startedAt, endedAt: last.endedAt } : null,
      });
    }
    return result;
  });

  app.get<{ Params: { name: string } }>('/api/pipelines/:name', { config: { role: 'viewer' } }, (request, reply) => {
    const pipeline = catalog.get(request.params.name);
    return reply.send({ ...describePipeline(pipeline, catalog.fileOf(pipeline.name)), definition: redactPipeline(pipeline) });
  });

  app.post<{ Params: { name: string; stage: string } }>(
    '/api/pipelines/:name/stages/:stage/rollback',
    { config: { role: 'operator' } },
    async (request, reply) => {
      const pipeline = catalog.get(request.params.name);
      const body = parseBody(rollbackBody, request.body ?? {});
      const by = request.principal?.name ?? 'unknown';
      const executionIds = await core.engine.rollbackStage({
        pipeline: pipeline.name,
        stage: request.params.stage,
        by,
        ...(body.targetPipelineExecutionId === undefined ? {} : { to: body.targetPipelineExecutionId }),
        ...(body.regions === undefined ? {} : { regions: body.regions }),
      });
      return reply.code(202).send({ executionIds, by });
    },
  );

  app.post<{ Params: { name: string } }>('/api/pipelines/:name/executions', { config: { role: 'operator' } }, async (request, reply) => {
    const pipeline = catalog.get(request.params.name);
    const body = parseBody(startBody, request.body ?? {});
    const variables = Array.isArray(body.variables) ? Object.fromEntries(body.variables.map((v) => [v.name, v.value])) : (body.variables ?? {});
    const sourceOverrides: Record<string, SourceOverride> = { ...context.settings.sourceOverrides(pipeline.name) };
    for (const revision of body.sourceRevisions ?? []) {
      const action = pipeline.stages[0]?.actions.find((a) => a.name === revision.actionName && a.type.category === 'Source');
      if (!action) throw new MeridianError('BAD_INPUT', `sourceRevisions: ${revision.actionName} is not a source action of ${pipeline.name}`);
      sourceOverrides[action.name] = { ...(sourceOverrides[action.name] ?? { location: '' }), revision: revision.revisionValue };
    }
    const token = body.clientRequestToken;
    if (token !== undefined) {
      const earlier = await findDelivery(core.db, pipeline.name, `client-request:${token}`);
      if (earlier?.executionId) return reply.code(200).send({ executionId: earlier.executionId, duplicate: true });
    }
    const by = request.principal?.name ?? 'unknown';
    const executionId = await startExecution(core.engine, pipeline, {
      trigger: { type: 'api', detail: `started by ${by}` },
      stateDir: core.stateDir,
      parameters: core.parameters,
      variables,
      sourceOverrides,
      disruptive: body.disruptive === true,
      alsoInTransaction:
        token === undefined
          ? undefined
          : async (tx, id) => {
              await recordDelivery(tx, {
                deliveryId: `client-request:${token}`,
                pipeline: pipeline.name,
                outcome: 'started',
                executionId: id,
                receivedAt: core.clock.now().toISOString(),
              });
            },
    });
    core.agent.wake();
    return reply.code(201).send({ executionId });
  });

  app.post<{ Params: { name: string } }>('/api/pipelines/:name/reload', { config: { role: 'admin' } }, async (request, reply) => {
    const [result] = await catalog.reload(request.params.name);
    if (!result?.ok)
      return reply.code(400).send({
        error: { code: 'DEFINITION_INVALID', message: `kept the running definition of ${request.params.name}: ${result?.problems.join('; ') ?? ''}` },
        problems: result?.problems ?? [],
      });
    return { reloaded: result.pipeline, file: result.file };
  });
}

function describePipeline(pipeline: Pipeline, file: string) {
  return {
    name: pipeline.name,
    file,
    format: pipeline.format,
    executionMode: pipeline.executionMode,
    homeRegion: pipeline.homeRegion,
    regions: pipeline.regions.map((r) => ({ name: r.name, timezone: r.timezone })),
    stages: pipeline.stages.map((s) => ({
      name: s.name,
      actions: s.actions.map((a) => ({ name: a.name, region: a.region, runOrder: a.runOrder, type: `${a.type.category}/${a.type.owner}/${a.type.provider}` })),
    })),
    webhooks: pipeline.webhooks.map((w) => ({ name: w.name, authentication: w.authentication, targetAction: w.targetAction })),
  };
}
