/**
 * The last guard before an answer leaves the server: every string of every `/api` answer
 * (JSON, text, and the live streams' events) goes through a masker of the secret values the
 * loaded definitions hold (domain/secret-fields.ts) and, on an execution's routes and a
 * pipeline's, those of the definitions its executions ran (a reload may have rotated a secret
 * since, and the old one is still in their events), so a secret that reached an event, an
 * error message or an output variable shows as `****` too. Definitions themselves are
 * redacted field by field where they are answered (lib/redact-pipeline.ts). Agent routes are
 * left alone: an agent is handed the real configuration it runs with.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { secretValuesOf } from '../domain/secret-fields.js';
import type { Masker } from '../lib/masker.js';
import { maskDeep, maskerOf } from '../lib/redact-pipeline.js';
import type { Meridian } from '../meridian.js';
import { recentExecutionIds } from '../stores/state/execution-records.js';
import type { PipelineCatalog } from './pipeline-catalog.js';

type Catalog = Pick<PipelineCatalog, 'list'>;
type Core = Pick<Meridian, 'store' | 'db'>;

/** As many executions of a pipeline as its views read (views/region-releases.ts). */
const PIPELINE_EXECUTIONS = 200;
/** An execution's definition never changes: its secrets are read once, and forgotten past this many executions. */
const CACHED_EXECUTIONS = 10_000;
const cache = new WeakMap<object, Map<string, string[]>>();

/** A masker of the secrets of the pipelines loaded now (a reload changes them, so it is made for each answer) and of `more`. */
export function catalogMasker(catalog: Catalog, more: readonly string[] = []): Masker | undefined {
  const values = [...catalog.list().flatMap(secretValuesOf), ...more];
  return values.length === 0 ? undefined : maskerOf(values);
}

/** The secrets of the definition an execution ran; none when there is no such execution (the route answers why). */
export async function executionSecrets(core: Core, id: string): Promise<string[]> {
  const known = cache.get(core.db) ?? new Map<string, string[]>();
  cache.set(core.db, known);
  const cached = known.get(id);
  if (cached) return cached;
  try {
    const full = await core.store.resolveExecutionId(core.db, id);
    const secrets = known.get(full) ?? secretValuesOf(await core.store.definition(core.db, full));
    if (known.size >= CACHED_EXECUTIONS) known.clear();
    known.set(full, secrets);
    return secrets;
  } catch {
    return [];
  }
}

/** A value for a live stream, masked as the answers are (`more`: the stream's execution's secrets). */
export function maskForStream<T>(catalog: Catalog, data: T, more: readonly string[] = []): T {
  const masker = catalogMasker(catalog, more);
  return masker ? maskDeep(data, masker) : data;
}

export function registerSecretFilter(app: FastifyInstance, catalog: Catalog, core: Core): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const role = request.routeOptions.config.role;
    if (role === undefined || role === 'agent' || typeof payload !== 'string') return payload;
    const masker = catalogMasker(catalog, await secretsOfRoute(request, core));
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

/** The secrets of the executions an `/api/executions/:id…` or `/api/pipelines/:name…` answer may show. */
async function secretsOfRoute(request: FastifyRequest, core: Core): Promise<string[]> {
  const route = request.routeOptions.url ?? '';
  const params = (request.params ?? {}) as Record<string, unknown>;
  if (route.startsWith('/api/executions/:id') && typeof params.id === 'string') return executionSecrets(core, params.id);
  if (route.startsWith('/api/pipelines/:name') && typeof params.name === 'string') {
    const ids = await recentExecutionIds(core.db, params.name, PIPELINE_EXECUTIONS);
    return (await Promise.all(ids.map((id) => executionSecrets(core, id)))).flat();
  }
  return [];
}
