/**
 * Leases: an agent killed mid-action stops renewing its lease; when the lease runs out the
 * server hands the job on — to the other agent of the region when the provider is safe to
 * repeat (real `serve` and two real `meridian agent`s, one killed with SIGKILL), or fails it
 * with "agent lost" when it is not (in-process over a real SQLite store, with a provider
 * that declares itself unsafe to repeat).
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobDispatch } from '../../src/engine/dispatch/job-dispatch.js';
import { prepareJob } from '../../src/engine/dispatch/job-specs.js';
import { expireLeases } from '../../src/engine/dispatch/lease-expiry.js';
import { InProcessJobHost } from '../../src/engine/dispatch/in-process-job-host.js';
import { executeJob } from '../../src/agent/execute-job.js';
import { Engine } from '../../src/engine/engine.js';
import { systemClock } from '../../src/lib/clock.js';
import { registerBuiltinProviders } from '../../src/providers/builtin.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { openSqlite } from '../../src/stores/state/sqlite/open-sqlite.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { makeAgentToken, serveForAgents, slowDefinition, startAgent, type StartedAgent } from '../helpers/agent.js';
import { eventually } from '../helpers/cli.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { chargeCardAction, onceProviderRegistry } from '../helpers/once-provider.js';
import { oneActionPipeline } from '../helpers/pipeline.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe('agent leases', () => {
  const started: Array<Served | StartedAgent> = [];
  afterAll(async () => {
    for (const process of started.splice(0).reverse()) await process.stop('SIGKILL');
  });

  it('an agent killed mid-action: its lease runs out and the other agent of the region runs the action again', async () => {
    const dir = tempDir();
    const stateDir = path.join(dir, 'state');
    writeFiles(dir, { 'slow.yaml': slowDefinition('slow', makeRepo({ 'README.md': 'x' }), 4) });
    const first = await makeAgentToken(stateDir, 'eu-west-1', 'eu-a');
    const second = await makeAgentToken(stateDir, 'eu-west-1', 'eu-b');
    const served = await serveForAgents(path.join(dir, 'slow.yaml'), stateDir);
    started.push(served);
    const agents = [
      await startAgent(served.url, 'eu-west-1', first, path.join(dir, 'a')),
      await startAgent(served.url, 'eu-west-1', second, path.join(dir, 'b')),
    ];
    started.push(...agents);

    const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/slow/executions', {});
    const id = body.executionId;
    const victim = await eventually(
      () => agents.find((agent) => agent.ran().some((line) => line.startsWith('Running slow'))),
      30_000,
      'an agent to start slow',
    );
    const survivor = agents.find((agent) => agent !== victim);
    await victim.stop('SIGKILL');

    const summary = await ended(served, id, 30_000);
    expect(summary.status).toBe('Succeeded');
    const slow = summary.stages.find((s) => s.name === 'Deploy')?.actions[0];
    expect(slow?.attempts).toBe(2);
    expect(survivor?.ran()).toContain(`Running slow (eu-west-1) attempt 2 of ${id}`);
    const events = (await served.api<Array<{ type: string; description: string }>>('GET', `/api/executions/${id}/events`)).body;
    expect(events.filter((e) => e.type === 'lease-expired').map((e) => e.description)).toEqual([
      expect.stringMatching(/^slow \(eu-west-1\): agent \S+ stopped renewing its lease \(attempt 1\)$/),
    ]);
    expect(events.some((e) => e.type === 'action-requeued')).toBe(true);
    expect(await (await fetch(`${served.url}/metrics`)).text()).toMatch(/meridian_lease_expiries_total\{region="eu-west-1"\} 1/);
  }, 120_000);

  it('fails the action with "agent lost" when its provider is not safe to repeat', async () => {
    const db = await openSqlite(path.join(tempDir(), 'state'));
    try {
      const store = new StateStore(db);
      const engine = new Engine({ store, clock: systemClock, owner: 'server-host:1:aaa' });
      const registry = onceProviderRegistry();
      const pipeline = oneActionPipeline('once', 'Deploy', chargeCardAction());
      const id = await engine.start(pipeline, { type: 'cli' }, { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} });
      const dispatch = new JobDispatch({ store, engine }, 50);
      const job = await dispatch.claim('agent-host:2:bbb', { regions: ['eu-west-1'] });
      expect(job?.leaseExpiresAt).not.toBeNull();
      // Renewed in time, the lease holds; then the agent goes quiet.
      expect(await dispatch.renew(job?.id ?? '', 'agent-host:2:bbb')).toBe(true);
      expect(await expireLeases({ store, engine, registry, owner: 'server-host:1:aaa', dispatch })).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await expireLeases({ store, engine, registry, owner: 'server-host:1:aaa', dispatch })).toBe(1);

      const snapshot = await store.snapshot(db, id);
      expect(snapshot.execution.status).toBe('Failed');
      expect(snapshot.actions[0]?.error?.message).toMatch(
        /^agent lost: agent-host:2:bbb stopped renewing its lease while running charge-card, which is not safe to repeat/,
      );
      // A late report from the lost agent is not recorded, and a second sweep finds nothing.
      expect(await dispatch.report(job?.id ?? '', 'agent-host:2:bbb', { status: 'Succeeded' })).toBe(false);
      expect(await expireLeases({ store, engine, registry, owner: 'server-host:1:aaa', dispatch })).toBe(0);
      expect((await store.snapshot(db, id)).actions[0]?.status).toBe('Failed');
    } finally {
      await db.destroy();
    }
  });

  it('a manual approval handed on after its agent was lost waits on from where it was: an answer given meanwhile counts, and its timeout goes on', async () => {
    const stateDir = path.join(tempDir(), 'state');
    const db = await openSqlite(stateDir);
    try {
      const store = new StateStore(db);
      const clock = fakeClock('2026-11-27T09:00:00.000Z');
      const engine = new Engine({ store, clock, owner: 'server-host:1:aaa' });
      const registry = registerBuiltinProviders(new ProviderRegistry());
      const pipeline = oneActionPipeline('gate', 'Gate', {
        name: 'sign-off',
        type: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
        runOrder: 1,
        region: 'eu-west-1',
        configuration: {},
        inputArtifacts: [],
        outputArtifacts: [],
        timeoutInMinutes: 60,
      });
      const id = await engine.start(pipeline, { type: 'cli' }, { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} });
      const dispatch = new JobDispatch({ store, engine }, 50);
      const first = await dispatch.claim('agent-host:2:bbb', { regions: ['eu-west-1'] });
      const firstSpec = await prepareJob(store, first!);
      expect(firstSpec.approvalSince).toBe('2026-11-27T09:00:00.000Z');
      expect(firstSpec.timeoutMs).toBe(60 * 60_000);
      // Five minutes in, someone approves; the agent holding the approval is gone by then.
      clock.advance(5 * 60_000);
      await store.recordApproval(db, {
        executionId: id,
        stage: 'Gate',
        action: 'sign-off',
        status: 'Approved',
        comment: 'ship it',
        by: 'ops',
        at: clock.now().toISOString(),
      });
      clock.advance(5 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await expireLeases({ store, engine, registry, owner: 'server-host:1:aaa', dispatch })).toBe(1);

      // Attempt 2, queued ten minutes after the action started: the start stays, fifty minutes are left.
      const second = await dispatch.claim('agent-host:3:ccc', { regions: ['eu-west-1'] });
      expect(second?.attempt).toBe(2);
      expect(second?.createdAt).toBe('2026-11-27T09:10:00.000Z');
      expect((await store.snapshot(db, id)).actions[0]?.startedAt).toBe('2026-11-27T09:00:00.000Z');
      const secondSpec = await prepareJob(store, second!);
      expect(secondSpec.approvalSince).toBe('2026-11-27T09:00:00.000Z');
      expect(secondSpec.timeoutMs).toBe(50 * 60_000);
      // The answer given before attempt 2 existed is found: the approval does not wait again.
      const host = new InProcessJobHost({ engine, store, stateDir, parameters: noValues, secrets: noValues, pollMs: 10 }, secondSpec);
      const outcome = await executeJob(host, registry, secondSpec, new AbortController().signal);
      expect(outcome).toMatchObject({ status: 'Succeeded', summary: 'approved by ops: ship it' });
    } finally {
      await db.destroy();
    }
  });
});

const noValues = {
  get: (name: string): Promise<never> => Promise.reject(new Error(`no value ${name} in this test`)),
};
