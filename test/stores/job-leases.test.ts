/**
 * Leases and agents on both state stores: a claim takes a lease only its holder renews; an
 * expired lease is found and ended once, never one that was renewed or finished; the
 * embedded agent's region exclusion; agent tokens scoped to a region; agents seen recently
 * and the queue by region.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/domain/pipeline.js';
import { jobsByRegion, liveAgents, runningJobs, touchAgent } from '../../src/stores/state/agent-records.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { TokenStore } from '../../src/stores/tokens/token-store.js';
import { testPipeline } from '../helpers/pipeline.js';
import { BACKENDS } from '../helpers/state-backends.js';

const pipeline = testPipeline({
  name: 'leases',
  homeRegion: 'eu-west-1',
  stages: [
    {
      name: 'Only',
      actions: [
        {
          name: 'a',
          type: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
          runOrder: 1,
          region: 'eu-west-1',
          configuration: {},
          inputArtifacts: [],
          outputArtifacts: [],
        },
      ],
    },
  ],
  file: '/nowhere.yaml',
});

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe.each(BACKENDS)('leases and agents on $name', (backend) => {
  const open = async (): Promise<StateStore> => {
    const { db } = await backend.open();
    closers.push(() => db.destroy());
    return new StateStore(db);
  };
  const queue = async (store: StateStore, regions: string[]): Promise<string> => {
    const executionId = randomUUID();
    await store.transaction((tx) =>
      store.createExecution(tx, {
        id: executionId,
        pipeline,
        trigger: { type: 'cli' },
        context: { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} },
        at: '2026-11-27T10:00:00.000Z',
        owner: 'server',
      }),
    );
    for (const [i, region] of regions.entries()) {
      await store.enqueueJobs(store.db, [
        { id: randomUUID(), executionId, stageIndex: 0, actionIndex: 0, attempt: i + 1, region, createdAt: `2026-11-27T10:00:0${i}.000Z` },
      ]);
    }
    return executionId;
  };

  it.skipIf(!backend.available)('a lease is renewed only by its holder, and expires once', async () => {
    const store = await open();
    await queue(store, ['eu-west-1', 'us-east-1']);
    const job = await store.claimJob('agent-1', { regions: ['eu-west-1'], leaseUntil: '2026-11-27T10:00:10.000Z' });
    expect(job).toMatchObject({ region: 'eu-west-1', status: 'running', leaseOwner: 'agent-1', leaseExpiresAt: '2026-11-27T10:00:10.000Z' });
    const id = job?.id ?? '';
    expect(await store.renewLease(store.db, id, 'agent-2', '2026-11-27T10:00:20.000Z')).toBe(false);
    expect(await store.renewLease(store.db, id, 'agent-1', '2026-11-27T10:00:20.000Z')).toBe(true);
    expect(await store.expiredLeases(store.db, '2026-11-27T10:00:15.000Z')).toEqual([]);
    expect(await store.expireLease(store.db, id, '2026-11-27T10:00:15.000Z')).toBe(false);
    expect((await store.expiredLeases(store.db, '2026-11-27T10:00:25.000Z')).map((j) => j.id)).toEqual([id]);
    expect(await store.expireLease(store.db, id, '2026-11-27T10:00:25.000Z')).toBe(true);
    expect(await store.expireLease(store.db, id, '2026-11-27T10:00:25.000Z')).toBe(false);
    expect((await store.findJob(store.db, id))?.status).toBe('done');
    expect(await store.renewLease(store.db, id, 'agent-1', '2026-11-27T10:00:40.000Z')).toBe(false);
    expect(await store.findJob(store.db, 'no-such-job')).toBeUndefined();
  });

  it.skipIf(!backend.available)('leaves the regions of remote agents to them, and counts the queue by region', async () => {
    const store = await open();
    await queue(store, ['us-east-1', 'eu-west-1', 'us-east-1']);
    const embedded = await store.claimJob('server', { exceptRegions: ['us-east-1'] });
    expect(embedded?.region).toBe('eu-west-1');
    expect(embedded?.leaseExpiresAt).toBeNull();
    expect(await store.claimJob('server', { exceptRegions: ['us-east-1'] })).toBeUndefined();
    expect((await jobsByRegion(store.db)).sort((a, b) => a.region.localeCompare(b.region))).toEqual([
      { region: 'eu-west-1', status: 'running', count: 1 },
      { region: 'us-east-1', status: 'queued', count: 2 },
    ]);
    // Oldest first: the us-east-1 job was queued before the eu-west-1 one.
    await store.claimJob('agent-us', { regions: ['us-east-1'], leaseUntil: '2026-11-27T10:01:00.000Z' });
    expect((await runningJobs(store.db)).map((j) => [j.owner, j.region, j.action, j.leaseExpiresAt])).toEqual([
      ['agent-us', 'us-east-1', 'a', '2026-11-27T10:01:00.000Z'],
      ['server', 'eu-west-1', 'a', null],
    ]);
  });

  it.skipIf(!backend.available)('gives a job asking for agent labels only to a claimer with all of them, several at a time', async () => {
    const store = await open();
    const labelled: Pipeline = {
      ...pipeline,
      stages: [
        {
          name: 'Only',
          actions: ['plain', 'gpu', 'gpu-arm'].map((name, i) => ({
            ...pipeline.stages[0]!.actions[0]!,
            name,
            ...(i === 0 ? {} : { agentLabels: i === 1 ? ['gpu'] : ['arm64', 'gpu'] }),
          })),
        },
      ],
    };
    const executionId = randomUUID();
    await store.transaction((tx) =>
      store.createExecution(tx, {
        id: executionId,
        pipeline: labelled,
        trigger: { type: 'cli' },
        context: { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} },
        at: '2026-11-27T10:00:00.000Z',
        owner: 'server',
      }),
    );
    for (const actionIndex of [0, 1, 2]) {
      await store.transaction((tx) =>
        store.enqueueJobs(tx, [
          {
            id: `job-${actionIndex}`,
            executionId,
            stageIndex: 0,
            actionIndex,
            attempt: 1,
            region: 'eu-west-1',
            createdAt: `2026-11-27T10:00:0${actionIndex}.000Z`,
          },
        ]),
      );
    }
    expect((await store.claimJobs('plain-agent', { regions: ['eu-west-1'], max: 5 })).map((j) => j.id)).toEqual(['job-0']);
    expect((await store.claimJobs('arm-agent', { regions: ['eu-west-1'], labels: ['arm64'], max: 5 })).map((j) => j.id)).toEqual([]);
    expect((await store.claimJobs('big-agent', { regions: ['eu-west-1'], labels: ['arm64', 'gpu', 'linux'], max: 5 })).map((j) => j.id)).toEqual([
      'job-1',
      'job-2',
    ]);
  });

  it.skipIf(!backend.available)('keeps agents and region-scoped agent tokens', async () => {
    const store = await open();
    await touchAgent(store.db, { id: 'host-a:1:aa', name: 'eu-1', region: 'eu-west-1', labels: ['linux'], concurrency: 2 }, '2026-11-27T10:00:00.000Z');
    await touchAgent(store.db, { id: 'host-b:2:bb', name: 'us-1', region: 'us-east-1', labels: [], concurrency: 1 }, '2026-11-27T10:00:00.000Z');
    await touchAgent(store.db, { id: 'host-a:1:aa', name: 'eu-1', region: 'eu-west-1', labels: ['linux', 'big'], concurrency: 4 }, '2026-11-27T10:05:00.000Z');
    expect(await liveAgents(store.db, '2026-11-27T10:04:00.000Z')).toEqual([
      {
        id: 'host-a:1:aa',
        name: 'eu-1',
        region: 'eu-west-1',
        labels: ['linux', 'big'],
        concurrency: 4,
        startedAt: '2026-11-27T10:00:00.000Z',
        lastSeenAt: '2026-11-27T10:05:00.000Z',
      },
    ]);

    const tokens = new TokenStore(store.db);
    const made = await tokens.create('eu-agent', 'agent', '2026-11-27T10:00:00.000Z', 'eu-west-1');
    expect(await tokens.find(made.token)).toMatchObject({ name: 'eu-agent', role: 'agent', region: 'eu-west-1' });
    await expect(tokens.create('no-region', 'agent', '2026-11-27T10:00:00.000Z')).rejects.toThrow('an agent token is scoped to one region');
    await expect(tokens.create('viewer', 'viewer', '2026-11-27T10:00:00.000Z', 'eu-west-1')).rejects.toThrow('only agent tokens have a region');
  });
});
