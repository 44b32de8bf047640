/**
 * `POST /webhooks/github/{pipeline}`: a GitHub delivery, checked before anything else is
 * done (rate limit per address, the memory of bodies in flight, body size and time, the
 * webhook's authentication over the raw body),
 * then judged (event, shape, redelivery, deletion, the webhook's filters and the source
 * action's trigger) and, when it passes, an execution of the pushed commit. The delivery is
 * recorded in the same transaction as the execution, so a redelivery starts nothing new.
 * Answers: 202 { executionId }, 200 { ignored: reason }, 400, 401, 404, 408, 413, 429, 503.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Action, Pipeline, PipelineWebhook } from '../../domain/pipeline.js';
import { startExecution } from '../../engine/start-execution.js';
import { errorBody } from '../auth.js';
import type { ServerContext } from '../context.js';
import { makeErrorHandler } from '../error-handler.js';
import type { DeliveryOutcome, ServerMetrics } from '../metrics.js';
import { BodyBudget } from './body-budget.js';
import { parsePush, type GithubPush } from './github-push.js';
import { matchTrigger } from './trigger-filters.js';
import { authenticate } from './webhook-auth.js';
import { matchWebhookFilters } from './webhook-filters.js';
import { findDelivery, recordDelivery } from '../../stores/state/delivery-records.js';
import { isUniqueViolation } from '../../stores/state/unique-violation.js';

export function registerGithubWebhook(context: ServerContext, metrics: ServerMetrics) {
  const { core, catalog, settings } = context;
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(rateLimit, {
      max: settings.webhookRateLimit,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, limit) => {
        metrics.delivery('rate_limited');
        return {
          statusCode: 429,
          ...errorBody('RATE_LIMITED', `more than ${limit.max} webhook requests a minute from this address; try again in ${Math.ceil(limit.ttl / 1000)} s`),
        };
      },
    });
    // Bodies are read before their sender is known: their memory is bounded (body-budget.ts).
    app.addHook(
      'onRequest',
      new BodyBudget(settings.webhookBodyLimit).hook(() => metrics.delivery('busy')),
    );
    // The signature covers the raw bytes: keep them, parse later.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: settings.webhookBodyLimit }, (_request, body, done) => done(null, body));
    app.setErrorHandler(
      makeErrorHandler({
        tooLarge: `the body is larger than ${settings.webhookBodyLimit} bytes`,
        onAnswer: (status) => {
          if (status === 413) metrics.delivery('too_large');
        },
      }),
    );

    app.post<{ Params: { pipeline: string } }>('/webhooks/github/:pipeline', async (request, reply) => {
      const answer = (code: number, outcome: DeliveryOutcome, body: unknown): FastifyReply => {
        metrics.delivery(outcome);
        return reply.code(code).send(body);
      };
      const name = request.params.pipeline;
      if (!catalog.has(name)) return answer(404, 'not_found', errorBody('NOT_FOUND', `no pipeline ${name} is served here`));
      const pipeline = catalog.get(name);
      if (pipeline.webhooks.length === 0)
        return answer(
          404,
          'not_found',
          errorBody('NOT_FOUND', `pipeline ${name} has no webhook; declare one (webhook: on its source, or an AWS::CodePipeline::Webhook)`),
        );

      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = header(request, 'x-hub-signature-256');
      const trusted: PipelineWebhook[] = [];
      const refusals: string[] = [];
      for (const webhook of pipeline.webhooks) {
        const verdict = await authenticate(webhook, { rawBody, signature, ip: request.ip }, core);
        if (verdict.ok) trusted.push(webhook);
        else refusals.push(verdict.reason);
      }
      if (trusted.length === 0) return answer(401, 'unauthorized', errorBody('UNAUTHORIZED', refusals[0] ?? 'not authenticated'));

      const event = header(request, 'x-github-event') ?? '';
      const payload = parseJson(rawBody, header(request, 'content-type') ?? '');
      if (payload === undefined)
        return answer(400, 'malformed', errorBody('BAD_INPUT', 'the body is not JSON (application/json, or a form with payload=<json>)'));
      if (event === 'ping') return answer(200, 'ignored', { ignored: 'ping: the webhook reaches Meridian', zen: (payload as { zen?: unknown }).zen ?? null });
      if (event !== 'push') return answer(200, 'ignored', { ignored: `event ${event || '(no X-GitHub-Event header)'} is not a push` });
      const deliveryId = header(request, 'x-github-delivery');
      if (deliveryId === undefined || deliveryId.length > 200)
        return answer(400, 'malformed', errorBody('BAD_INPUT', 'X-GitHub-Delivery is missing: every GitHub delivery has one'));
      const parsed = parsePush(payload);
      if (!parsed.ok) return answer(400, 'malformed', errorBody('BAD_INPUT', `push payload field ${parsed.field} ${parsed.message}`));
      const push = parsed.push;

      const earlier = await findDelivery(core.db, name, deliveryId);
      if (earlier)
        return answer(200, 'duplicate', { ignored: `delivery ${deliveryId} was received before (${earlier.outcome})`, executionId: earlier.executionId });

      const chosen = choose(pipeline, trusted, push);
      if (!chosen.ok) {
        const recorded = await recordIgnored(context, name, deliveryId, chosen.reason);
        return recorded
          ? answer(200, 'ignored', { ignored: chosen.reason })
          : answer(200, 'duplicate', { ignored: `delivery ${deliveryId} was received before` });
      }

      try {
        const overrides = { ...settings.sourceOverrides(name) };
        const base = overrides[chosen.action.name];
        overrides[chosen.action.name] = { location: base?.location ?? '', revision: push.after, ...(push.kind === 'branch' ? { branch: push.name } : {}) };
        const executionId = await startExecution(core.engine, pipeline, {
          trigger: { type: 'webhook', detail: `push of ${push.after.slice(0, 12)} to ${push.ref} (GitHub delivery ${deliveryId})` },
          stateDir: core.stateDir,
          parameters: core.parameters,
          sourceOverrides: overrides,
          alsoInTransaction: async (tx, id) => {
            await recordDelivery(tx, { deliveryId, pipeline: name, outcome: 'started', executionId: id, receivedAt: core.clock.now().toISOString() });
          },
        });
        core.agent.wake();
        return answer(202, 'started', { executionId });
      } catch (error) {
        if (isUniqueViolation(error)) return answer(200, 'duplicate', { ignored: `delivery ${deliveryId} was received before` });
        throw error;
      }
    });
  };
}

type Choice = { ok: true; webhook: PipelineWebhook; action: Action } | { ok: false; reason: string };

/** The first trusted webhook whose filters and whose target's trigger pass this push. */
function choose(pipeline: Pipeline, trusted: readonly PipelineWebhook[], push: GithubPush): Choice {
  if (push.deleted) return { ok: false, reason: `${push.ref} was deleted: nothing to build` };
  const reasons: string[] = [];
  for (const webhook of trusted) {
    const action = pipeline.stages[0]?.actions.find((a) => a.name === webhook.targetAction);
    if (!action) {
      reasons.push(`webhook ${webhook.name} targets ${webhook.targetAction}, which is not a source action`);
      continue;
    }
    const filters = matchWebhookFilters(webhook.filters, action, push.payload);
    if (!filters.ok) {
      reasons.push(filters.reason);
      continue;
    }
    const trigger = pipeline.triggers.find((t) => t.sourceActionName === action.name);
    if (trigger) {
      const verdict = matchTrigger(trigger, push);
      if (!verdict.ok) {
        reasons.push(verdict.reason);
        continue;
      }
    }
    return { ok: true, webhook, action };
  }
  return { ok: false, reason: reasons.join('; ') || 'no webhook matched' };
}

async function recordIgnored(context: ServerContext, pipeline: string, deliveryId: string, reason: string): Promise<boolean> {
  try {
    await recordDelivery(context.core.db, {
      deliveryId,
      pipeline,
      outcome: `ignored: ${reason.slice(0, 500)}`,
      executionId: null,
      receivedAt: context.core.clock.now().toISOString(),
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(raw: Buffer, contentType: string): unknown {
  try {
    const text = raw.toString('utf8');
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      const payload = new URLSearchParams(text).get('payload');
      return payload === null ? undefined : (JSON.parse(payload) as unknown);
    }
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
