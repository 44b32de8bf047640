/**
 * Lease expiry under the server's own stalls (issue 17, High 5): while the server's event loop
 * stands still (a long parse froze it for 40 s), agents' renewals and reports wait unread, so a
 * lease that ran out meanwhile says nothing about the agent. The engine and dispatch run
 * in-process over a real store (both stores), with a lease of 300 ms and the event loop
 * blocked for a whole second: the sweep that runs first after the stall spares the lease and
 * the report sent meanwhile is recorded; a silent agent still loses its lease once the stall
 * is given back; and a report that has arrived is never overtaken by the sweep.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Pipeline } from '../../src/domain/pipeline.js';
import type { JobRecord } from '../../src/domain/records.js';
import { JobDispatch } from '../../src/engine/dispatch/job-dispatch.js';
import { expireLeases, type LeaseExpiryDeps } from '../../src/engine/dispatch/lease-expiry.js';
import { Engine } from '../../src/engine/engine.js';
import type { Database } from '../../src/stores/state/schema.js';
import { StateStore } from '../../src/stores/state/state-store.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { chargeCardAction, onceProviderRegistry } from '../helpers/once-provider.js';
import { oneActionPipeline } from '../helpers/pipeline.js';
import { BACKENDS } from '../helpers/state-backends.js';

const LEASE_MS = 300;
const SERVER = 'server-host:1:aaa';
const AGENT = 'agent-host:2:bbb';

const pipeline: Pipeline = oneActionPipeline('stalled', 'Deploy', chargeCardAction());

/** What a long synchronous parse does to the server: nothing else runs meanwhile. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`lease expiry after the server's own stall (${backend.name})`, () => {
    let db: Kysely<Database>;
    let store: StateStore;
    let deps: LeaseExpiryDeps;
    let dispatch: JobDispatch;
    let executionId: string;
    let job: JobRecord;

    beforeEach(async () => {
      db = (await backend.open()).db;
      store = new StateStore(db);
      const engine = new Engine({ store, clock: fakeClock('2026-12-05T23:00:00.000Z'), owner: SERVER });
      // Not safe to repeat: a lease expiry fails the action, so a wrong expiry cannot hide.
      const registry = onceProviderRegistry();
      executionId = await engine.start(pipeline, { type: 'cli' }, { parameters: {}, variables: {}, sourceOverrides: {}, stores: {} });
      dispatch = new JobDispatch({ store, engine }, LEASE_MS);
      deps = { store, engine, registry, owner: SERVER, dispatch };
      job = (await dispatch.claim(AGENT, { regions: ['eu-west-1'] }))!;
      // Past the server's start-up grace, the agent renewing on time: nothing expires.
      for (let i = 0; i < 3; i++) {
        await sleep(LEASE_MS / 3);
        expect(await dispatch.renew(job.id, AGENT)).toBe(true);
      }
      expect(await expireLeases(deps)).toBe(0);
      expect(await dispatch.renew(job.id, AGENT)).toBe(true);
    });

    afterEach(async () => {
      dispatch.stalls.stop();
      await db.destroy();
    });

    const action = async () => (await store.snapshot(db, executionId)).actions[0];
    const leaseEvents = async () => (await store.events(db, executionId)).filter((event) => event.type === 'lease-expired');

    it('the first sweep after a stall longer than the lease spares it, and the report sent meanwhile is recorded', async () => {
      // The sweep's timer is due while the loop is blocked: it runs first when the loop is back.
      const sweep = new Promise<number>((resolve, reject) => {
        setTimeout(() => void expireLeases(deps).then(resolve, reject), 50);
      });
      blockEventLoop(1_000);
      expect(await sweep).toBe(0);
      expect(await dispatch.report(job.id, AGENT, { status: 'Succeeded' })).toBe(true);
      expect((await action())?.status).toBe('Succeeded');
      expect(await leaseEvents()).toEqual([]);
    });

    it('a silent agent still loses its lease once the stalled time is given back', async () => {
      blockEventLoop(1_000);
      expect(await expireLeases(deps)).toBe(0);
      // The lease had 300 ms left and got the stalled second back: silent for three seconds, it is gone.
      await sleep(3_000);
      expect(await expireLeases(deps)).toBe(1);
      expect((await action())?.error?.message).toMatch(/^agent lost: agent-host:2:bbb stopped renewing its lease/);
      expect(await dispatch.report(job.id, AGENT, { status: 'Succeeded' })).toBe(false);
    });

    it('a report that has arrived is recorded, not overtaken by a sweep that starts while it is checked', async () => {
      await sleep(LEASE_MS + 100);
      // The sweep has started (it reads the expired leases) when the report arrives.
      const sweep = expireLeases(deps);
      const report = dispatch.report(job.id, AGENT, { status: 'Succeeded' });
      expect(await sweep).toBe(0);
      expect(await report).toBe(true);
      expect((await action())?.status).toBe('Succeeded');
      expect(await leaseEvents()).toEqual([]);
    });
  });
}
