/**
 * Action logs over HTTP. `GET /api/executions/{id}/logs` is a Server-Sent Events stream:
 * every line logged so far (the backlog), then new lines as they are written, one `log`
 * event per line (`?action=NAME` for one action), and an `end` event once the execution has
 * ended and every log is drained. `GET .../actions/{action}/log` is one attempt's log as text.
 */
import { open, readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { actionLogPath } from '../../agent/action-log.js';
import { TERMINAL_EXECUTION } from '../../domain/execution.js';
import { MeridianError } from '../../domain/errors.js';
import type { ServerContext } from '../context.js';

const POLL_MS = 200;

interface Tail {
  offset: number;
  partial: string;
}

export function registerLogRoutes(app: FastifyInstance, { core }: ServerContext): void {
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

  app.get<{ Params: { id: string }; Querystring: { action?: string } }>('/api/executions/:id/logs', { config: { role: 'viewer' } }, async (request, reply) => {
    const id = await store.resolveExecutionId(db, request.params.id);
    const only = request.query.action;
    const first = await store.snapshot(db, id);
    if (only !== undefined && !first.actions.some((a) => a.name === only)) throw new MeridianError('NOT_FOUND', `execution ${id} has no action ${only}`);

    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown): void => {
      out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const tails = new Map<string, Tail>();
    let closed = false;
    let wake: (() => void) | undefined;
    request.raw.on('close', () => {
      closed = true;
      wake?.();
    });
    const unsubscribe = engine.onEvent((event) => {
      if (event.executionId === id) wake?.();
    });
    try {
      for (;;) {
        const snapshot = await store.snapshot(db, id);
        const ended = TERMINAL_EXECUTION.has(snapshot.execution.status);
        for (const action of snapshot.actions) {
          if ((only !== undefined && action.name !== only) || action.attempts === 0) continue;
          for (let attempt = 1; attempt <= action.attempts; attempt++) {
            const file = actionLogPath(stateDir, id, action.stage, action.name, attempt);
            const tail = tails.get(file) ?? { offset: 0, partial: '' };
            tails.set(file, tail);
            for (const line of await readNewLines(file, tail, ended)) send('log', { stage: action.stage, action: action.name, region: action.region, attempt, line });
          }
        }
        if (ended) {
          send('end', { executionId: id, status: snapshot.execution.status });
          break;
        }
        if (closed) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        if (closed) break;
      }
    } finally {
      unsubscribe();
      out.end();
    }
  });
}

/** The complete lines added to `file` since the last read; at the end, the last partial line too. */
async function readNewLines(file: string, tail: Tail, flush: boolean): Promise<string[]> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return [];
  try {
    const { size } = await handle.stat();
    if (size <= tail.offset) return flushPartial(tail, flush);
    const buffer = Buffer.alloc(size - tail.offset);
    await handle.read(buffer, 0, buffer.length, tail.offset);
    tail.offset = size;
    const text = tail.partial + buffer.toString('utf8');
    const lines = text.split('\n');
    tail.partial = lines.pop() ?? '';
    return [...lines, ...flushPartial(tail, flush)];
  } finally {
    await handle.close();
  }
}

function flushPartial(tail: Tail, flush: boolean): string[] {
  if (!flush || tail.partial === '') return [];
  const last = tail.partial;
  tail.partial = '';
  return [last];
}
