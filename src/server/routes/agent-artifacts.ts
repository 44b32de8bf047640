/**
 * Artifacts for remote agents, always through the job they hold and always in their own
 * region: an input is first replicated by the server into the job's region's store (from
 * the region that produced it), then streamed from there; an output is streamed into the
 * job's region's store and recorded. An agent never reads another region's store.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { replicateInto, storeFor, type StoreOptions } from '../../stores/artifacts/region-stores.js';
import { MeridianError } from '../../domain/errors.js';
import { copyHashing } from '../../stores/artifacts/blob-io.js';
import type { JobRecord } from '../../domain/records.js';
import type { AgentSettings, ServerContext } from '../context.js';
import { agentOf, ForbiddenError, heldJob } from '../residency.js';

export function registerAgentArtifactRoutes(app: FastifyInstance, { core }: ServerContext, settings: AgentSettings): void {
  const options: StoreOptions = settings.s3Endpoint === undefined ? { stateDir: core.stateDir } : { stateDir: core.stateDir, s3Endpoint: settings.s3Endpoint };
  // Outputs arrive as raw zip bytes, streamed to a file: no size limit beyond the disk's.
  app.addContentTypeParser('application/zip', (_request, payload, done) => done(null, payload));

  const actionOf = async (job: JobRecord) => {
    const execution = await core.store.getExecution(core.db, job.executionId);
    const action = execution.definition.stages[job.stageIndex]?.actions[job.actionIndex];
    if (!action) throw new MeridianError('INTERNAL', `job ${job.id} names an action that is not in the definition`);
    return { execution, action };
  };

  app.get<{ Params: { id: string; name: string } }>('/api/agents/jobs/:id/inputs/:name', { config: { role: 'agent' } }, async (request, reply) => {
    const agent = agentOf(request);
    const job = await heldJob(core.store, agent, request.params.id);
    const { execution, action } = await actionOf(job);
    const { name } = request.params;
    if (!action.inputArtifacts.includes(name)) {
      throw new ForbiddenError(`${name} is not an input artifact of ${action.name}; an agent reads only the inputs of the job it holds`);
    }
    const record = (await core.store.artifacts(core.db, job.executionId)).find((r) => r.name === name);
    if (!record) throw new MeridianError('NOT_FOUND', `input artifact ${name} was not produced in execution ${job.executionId}`);
    const { store, copied } = await replicateInto(execution.context.stores, record, job.region, options);
    const file = await store.getVerified(record.digest);
    reply.header('content-type', 'application/zip').header('x-meridian-digest', record.digest);
    if (copied) reply.header('x-meridian-replicated', JSON.stringify(copied));
    return reply.send(createReadStream(file));
  });

  app.put<{ Params: { id: string; name: string } }>('/api/agents/jobs/:id/outputs/:name', { config: { role: 'agent' } }, async (request, reply) => {
    const agent = agentOf(request);
    const job = await heldJob(core.store, agent, request.params.id);
    const { execution, action } = await actionOf(job);
    const { name } = request.params;
    if (!action.outputArtifacts.includes(name)) throw new MeridianError('BAD_INPUT', `${action.name} has no output artifact ${name}`);
    if (request.headers['content-type'] !== 'application/zip')
      throw new MeridianError('BAD_INPUT', 'send the output artifact as Content-Type: application/zip');
    const tmp = path.join(core.stateDir, 'tmp');
    await mkdir(tmp, { recursive: true });
    const file = path.join(tmp, `${randomUUID()}.zip`);
    try {
      const received = await copyHashing(request.body as Readable, file);
      const claimed = request.headers['x-meridian-digest'];
      if (typeof claimed === 'string' && claimed !== received.digest) {
        throw new MeridianError('ARTIFACT', `output ${name} arrived with SHA-256 ${received.digest}, not the ${claimed} the agent sent; send it again`);
      }
      const stored = await storeFor(execution.context.stores, job.region, options).putFile(file);
      await core.store.recordArtifact(core.db, {
        executionId: job.executionId,
        name,
        digest: stored.digest,
        size: stored.size,
        region: job.region,
        producedBy: action.name,
      });
      return reply.code(201).send(stored);
    } finally {
      await rm(file, { force: true });
    }
  });
}
