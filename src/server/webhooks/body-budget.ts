/**
 * Memory for webhook bodies, which anyone may send: the webhook route reads a body before it
 * can tell whether the sender holds the secret. Each delivery being received holds its
 * Content-Length (at least MIN_HOLD, the body limit when it gives none) of one budget of
 * BODIES_IN_FLIGHT bodies of the limit's size; a delivery that does not fit is answered 503
 * with Retry-After before its body is read, and a body still incomplete after BODY_DEADLINE_MS
 * is cut off (408), so senders that trickle bytes cannot keep the budget. GitHub sends a
 * delivery's body at once and gives up on an answer after 10 s, so neither bound touches its
 * deliveries; docs/security.md says so.
 */
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { errorBody } from '../auth.js';

/** How many bodies of the limit's full size may be received at once. */
export const BODIES_IN_FLIGHT = 8;
/** What a small delivery holds at least, so the number of deliveries in flight is bounded too. */
const MIN_HOLD = 64 * 1024;
/** How long a delivery's body may take to arrive. */
export const BODY_DEADLINE_MS = 10_000;
const RETRY_AFTER_S = 1;

export class BodyBudget {
  readonly totalBytes: number;
  private held = 0;

  constructor(readonly bodyLimit: number) {
    this.totalBytes = bodyLimit * BODIES_IN_FLIGHT;
  }

  /** Bytes of deliveries being received or answered now. */
  get heldBytes(): number {
    return this.held;
  }

  /** The onRequest hook of the webhook routes; `onBusy` counts refusals. */
  hook(onBusy: () => void): onRequestHookHandler {
    return (request, reply, done) => {
      const bytes = this.holdFor(request);
      if (this.held + bytes > this.totalBytes) {
        onBusy();
        void reply
          .code(503)
          .header('retry-after', String(RETRY_AFTER_S))
          .send(errorBody('BUSY', `too many webhook deliveries are being received at once; retry in ${RETRY_AFTER_S} s`));
        return;
      }
      this.held += bytes;
      const deadline = setTimeout(() => cutOff(request, reply), BODY_DEADLINE_MS);
      deadline.unref();
      let released = false;
      // Closed: answered, cut off, or the sender went away; either way the body is let go.
      reply.raw.once('close', () => {
        if (released) return;
        released = true;
        clearTimeout(deadline);
        this.held -= bytes;
      });
      done();
    };
  }

  private holdFor(request: FastifyRequest): number {
    const declared = Number(request.headers['content-length']);
    const bytes = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, this.bodyLimit) : this.bodyLimit;
    return Math.max(bytes, Math.min(MIN_HOLD, this.bodyLimit));
  }
}

/** A body that has not arrived in time: 408 and the connection closed. */
function cutOff(request: FastifyRequest, reply: FastifyReply): void {
  if (request.raw.complete || reply.raw.headersSent) return;
  const body = JSON.stringify(errorBody('TIMEOUT', `the body did not arrive within ${BODY_DEADLINE_MS / 1000} s`));
  reply.raw.writeHead(408, { 'content-type': 'application/json; charset=utf-8', connection: 'close', 'content-length': Buffer.byteLength(body) });
  reply.raw.end(body, () => request.raw.socket.destroy());
}
