/**
 * The server's one error handler: every error leaves as JSON `{ error: { code, message } }`
 * with the status its code implies. A MeridianError by its code (else by its fault), a
 * request that fails a schema 400, a body over a limit 413, Fastify's other 4xx as they are,
 * the rest 500 — without its message, which may hold a query, a path or a stack, but with an
 * id the server's log has it under. An error that carries its answer already (@fastify/rate-limit throws the 429
 * body its `errorResponseBuilder` made) is sent as it is. A scope with its own wording (the
 * webhook route's body limit) or its own counting passes options.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MeridianError } from '../domain/errors.js';
import { errorBody } from './auth.js';

const STATUS: Record<string, number> = {
  BAD_INPUT: 400,
  DEFINITION_INVALID: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

export interface ErrorHandlerOptions {
  /** The message of a 413, instead of Fastify's. */
  tooLarge?: string;
  /** Told each status before it is sent. */
  onAnswer?: (status: number) => void;
  /** Told each error answered with 500, with `requestId` set: the server's log keeps what the answer leaves out. */
  onUnexpected?: ((error: Error) => void) | undefined;
}

type HandledError = FastifyError | MeridianError | { statusCode: number; error: { code: string; message: string } };

export function makeErrorHandler(options: ErrorHandlerOptions = {}) {
  return (error: HandledError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const { status, body } = answer(error, options, request);
    options.onAnswer?.(status);
    return reply.code(status).send(body);
  };
}

function answer(error: HandledError, options: ErrorHandlerOptions, request: FastifyRequest): { status: number; body: unknown } {
  if (error instanceof MeridianError) return { status: STATUS[error.code] ?? (error.fault === 'user' ? 400 : 500), body: errorBody(error.code, error.message) };
  if (!(error instanceof Error)) return { status: error.statusCode, body: error };
  if (error.validation) return { status: 400, body: errorBody('BAD_INPUT', error.message) };
  if (error.statusCode === 413) return { status: 413, body: errorBody('TOO_LARGE', options.tooLarge ?? error.message) };
  if (error.statusCode !== undefined && error.statusCode < 500) return { status: error.statusCode, body: errorBody(error.code || 'BAD_INPUT', error.message) };
  options.onUnexpected?.(Object.assign(error, { requestId: request.id }));
  return { status: 500, body: errorBody('INTERNAL', `an unexpected error (request ${request.id}); the server's log has the details`) };
}
