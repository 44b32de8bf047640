/**
 * Action logs over HTTP. `GET /api/executions/{id}/logs` is a Server-Sent Events stream:
 * every line logged so far (the backlog), then new lines as they are written, one `log`
 * event per line (`?action=NAME` for one action), and an `end` event once the execution has
 * ended and every log is drained. A browser's EventSource opens it, so it takes `?token=`.
 * `GET .../actions/{action}/log` is one attempt's log as text.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { actionLogPath } from '../../stores/logs/action-log.js';
import { followLogs } from '../../stores/logs/follow-logs.js';
import { MeridianError } from '../../domain/errors.js';
import { LIVE_STREAM } from '../auth.js';
import type { ServerContext } from '../context.js';
import { executionSecrets, maskForStream } from '../secret-filter.js';

export function registerLogRoutes(app: FastifyInstance, { core, catalog }: ServerContext): void {
  const { store, db, stateDir, engine } = core;

  app.get<{ Params: { id: string; action: string }; Querystring: { attempt?: string } }>(
    '/api/executions/:id/actions/:action/log',
    { config: { role: 'viewer' } },
    async (request, reply) => {
      const id = await store.resolveExecutionId(db, request.params.id);
      const snapshot = await store.snapshot(db, id);
      const action = snapshot.actions.find((a) => a.name === request.params.action);
      if (!action) throw new MeridianError('NOT_FOUND', `execution ${id} has no action ${request.params.action}`);
      const attempt = Number(request.query.attempt ?? action.attempts) || action.attempts;
      const text = await readFile(actionLogPath(stateDir, id, action.stage, action.name, attempt), 'utf8').catch(() => '');
      return reply.type('text/plain; charset=utf-8').header('content-disposition', `inline; filename="${action.name}.${attempt}.log"`).send(text);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { action?: string } }>('/api/executions/:id/logs', { config: LIVE_STREAM }, async (request, reply) => {
    const id = await store.resolveExecutionId(db, request.params.id);
    const only = request.query.action;
    const first = await store.snapshot(db, id);
    if (only !== undefined && !first.actions.some((a) => a.name === only)) throw new MeridianError('NOT_FOUND', `execution ${id} has no action ${only}`);

    // The secrets of the definition this execution ran, which a reload may have changed since.
    const secrets = await executionSecrets(core, id);
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (event: string, data: unknown): void => {
      out.write(`event: ${event}\ndata: ${JSON.stringify(maskForStream(catalog, data, secrets))}\n\n`);
    };
    const closed = new AbortController();
    request.raw.on('close', () => closed.abort());
    try {
      const status = await followLogs(core, id, (line) => send('log', line), {
        signal: closed.signal,
        ...(only === undefined ? {} : { action: only }),
        onChange: (wake) =>
          engine.onEvent((event) => {
            if (event.executionId === id) wake();
          }),
      });
      if (status !== undefined) send('end', { executionId: id, status });
    } finally {
      out.end();
    }
  });
}
