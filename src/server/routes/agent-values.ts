/**
 * Parameters and secrets for remote agents, read through the job they hold: refused (403)
 * when the name belongs to another region (see residency.ts), decrypted otherwise.
 */
import type { FastifyInstance } from 'fastify';
import { MeridianError } from '../../domain/errors.js';
import type { JobRecord } from '../../domain/records.js';
import type { ServerContext } from '../context.js';
import { agentOf, checkNameResidency, heldJob } from '../residency.js';

export function registerAgentValueRoutes(app: FastifyInstance, { core, catalog }: ServerContext): void {
  /** Every region the server knows: the job's pipeline's (as the execution started) and the loaded pipelines'. */
  const regionsFor = async (job: JobRecord): Promise<Set<string>> => {
    const execution = await core.store.getExecution(core.db, job.executionId);
    const regions = new Set(execution.definition.regions.map((r) => r.name));
    for (const pipeline of catalog.list()) for (const region of pipeline.regions) regions.add(region.name);
    return regions;
  };

  app.get<{ Params: { id: string }; Querystring: { name?: string } }>('/api/agents/jobs/:id/parameter', { config: { role: 'agent' } }, async (request) => {
    const agent = agentOf(request);
    const job = await heldJob(core.store, agent, request.params.id);
    const name = request.query.name;
    if (name === undefined || name === '') throw new MeridianError('BAD_INPUT', 'pass ?name=<parameter name>');
    checkNameResidency('parameter', name, agent, await regionsFor(job));
    const parameter = await core.parameters.get(name);
    return { name: parameter.name, type: parameter.type, value: parameter.value, version: parameter.version };
  });

  app.get<{ Params: { id: string }; Querystring: { reference?: string } }>('/api/agents/jobs/:id/secret', { config: { role: 'agent' } }, async (request) => {
    const agent = agentOf(request);
    const job = await heldJob(core.store, agent, request.params.id);
    const reference = request.query.reference;
    if (reference === undefined || reference === '') throw new MeridianError('BAD_INPUT', 'pass ?reference=<secret-id[:json-key[:stage]]>');
    checkNameResidency('secret', reference, agent, await regionsFor(job));
    return { value: await core.secrets.get(reference) };
  });
}
