/**
 * The dashboard's execution page. `GET /api/executions/{id}/view` is the execution view
 * (views/execution-view.ts); `GET .../stream` is the same view live, as Server-Sent Events:
 *
 * - `change` `{ seq, ...event }`: an engine event the moment it is committed, before any
 *   read, so the page can show a new status at once (the status is in the event's data);
 * - `events`: every recorded event with its id, backlog first, then the new ones;
 * - `view` `{ seq, view }`: the whole view, read after every change numbered up to `seq`
 *   was committed (the page re-applies the changes it got with a higher number).
 *
 * Each engine event triggers one flush; events arriving during a flush are coalesced into
 * the next one, so a burst of transitions costs one read. With several servers on one
 * PostgreSQL database, what another server commits reaches this one's streams by a poll
 * for new events every second (there is no `change` for those, only `events` and `view`).
 * `?token=` is accepted (here and on the logs stream only) because EventSource sends no headers.
 */
import type { FastifyInstance } from 'fastify';
import { LIVE_STREAM } from '../auth.js';
import type { ServerContext } from '../context.js';
import { executionSecrets, maskForStream } from '../secret-filter.js';
import { buildExecutionView } from '../views/execution-view.js';

const HEARTBEAT_MS = 15_000;
const OTHER_SERVERS_POLL_MS = 1000;

export function registerExecutionViewRoutes(app: FastifyInstance, { core, catalog }: ServerContext): void {
  const { store, db, engine } = core;

  app.get<{ Params: { id: string } }>('/api/executions/:id/view', { config: { role: 'viewer' } }, async (request) => {
    const id = await store.resolveExecutionId(db, request.params.id);
    return buildExecutionView(core, id);
  });

  app.get<{ Params: { id: string } }>('/api/executions/:id/stream', { config: LIVE_STREAM }, async (request, reply) => {
    const id = await store.resolveExecutionId(db, request.params.id);
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

    let lastEventId = 0;
    /** How many engine events of this execution were committed (and sent as `change`) so far. */
    let seq = 0;
    let dirty = true;
    let flushing = false;
    let closed = false;
    const flush = async (): Promise<void> => {
      if (flushing) return;
      flushing = true;
      try {
        while (dirty && !closed) {
          dirty = false;
          // Every change numbered up to here committed before the reads below begin.
          const covered = seq;
          const events = await store.events(db, id, lastEventId);
          if (closed) break;
          if (events.length > 0) {
            lastEventId = events[events.length - 1]?.id ?? lastEventId;
            send('events', events);
          }
          const view = await buildExecutionView(core, id);
          if (!closed) send('view', { seq: covered, view });
        }
      } catch (error) {
        // A failed read is reported to the page, which keeps the last view; the next event retries.
        if (!closed) send('problem', { message: error instanceof Error ? error.message : String(error) });
      } finally {
        flushing = false;
      }
    };

    const unsubscribe = engine.onEvent((event) => {
      if (event.executionId !== id || closed) return;
      seq += 1;
      send('change', { seq, ...event });
      dirty = true;
      void flush();
    });
    const heartbeat = setInterval(() => out.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const poll = store.postgres
      ? setInterval(() => {
          if (flushing || closed) return;
          void store
            .events(db, id, lastEventId)
            .then((events) => {
              if (events.length === 0 || closed) return;
              dirty = true;
              return flush();
            })
            .catch(() => undefined); // the next poll tries again
        }, OTHER_SERVERS_POLL_MS)
      : undefined;
    await new Promise<void>((resolve) => {
      out.on('close', () => {
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        clearInterval(poll);
        resolve();
      });
      void flush();
    });
    out.end();
  });
}
