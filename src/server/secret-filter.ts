/**
 * The last guard before an answer leaves the server: every string of every `/api` answer
 * (JSON, text, and the live streams' events) goes through a masker of the secret values the
 * loaded definitions hold (domain/secret-fields.ts), so a secret that reached an event, an
 * error message or an output variable shows as `****` too. Definitions themselves are
 * redacted field by field where they are answered (lib/redact-pipeline.ts). Agent routes are
 * left alone: an agent is handed the real configuration it runs with.
 */
import type { FastifyInstance } from 'fastify';
import { secretValuesOf } from '../domain/secret-fields.js';
import type { Masker } from '../lib/masker.js';
import { maskDeep, maskerOf } from '../lib/redact-pipeline.js';
import type { PipelineCatalog } from './pipeline-catalog.js';

/** A masker of the secrets of the pipelines loaded now (a reload changes them, so it is made for each answer). */
export function catalogMasker(catalog: Pick<PipelineCatalog, 'list'>): Masker | undefined {
  const values = catalog.list().flatMap(secretValuesOf);
  return values.length === 0 ? undefined : maskerOf(values);
}

/** A value for a live stream, masked as the answers are. */
export function maskForStream<T>(catalog: Pick<PipelineCatalog, 'list'>, data: T): T {
  const masker = catalogMasker(catalog);
  return masker ? maskDeep(data, masker) : data;
}

export function registerSecretFilter(app: FastifyInstance, catalog: Pick<PipelineCatalog, 'list'>): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const role = request.routeOptions.config.role;
    if (role === undefined || role === 'agent' || typeof payload !== 'string') return payload;
    const masker = catalogMasker(catalog);
    if (!masker) return payload;
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.includes('json')) return masker.mask(payload);
    try {
      return JSON.stringify(maskDeep(JSON.parse(payload) as unknown, masker));
    } catch {
      // Not JSON after all: mask it as text.
      return masker.mask(payload);
    }
  });
}
