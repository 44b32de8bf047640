/**
 * Metrics about agents and their queues: live remote agents by region, queued jobs by region
 * (read from the store when scraped, so every server reports the shared queue), and leases
 * that expired (counted from the engine's `lease-expired` events, per server).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { jobsByRegion, liveAgents } from '../stores/state/agent-records.js';
import type { ServerContext } from './context.js';
import { liveSince } from './agent-settings.js';

export function registerAgentMetrics(registry: Registry, context: ServerContext): void {
  const { core } = context;
  new Gauge({
    name: 'meridian_agents',
    help: 'Remote agents seen polling or renewing a lease recently, by region',
    labelNames: ['region'],
    registers: [registry],
    async collect() {
      const counts = new Map<string, number>();
      for (const agent of await liveAgents(core.db, liveSince(context))) counts.set(agent.region, (counts.get(agent.region) ?? 0) + 1);
      this.reset();
      for (const [region, count] of counts) this.set({ region }, count);
    },
  });
  new Gauge({
    name: 'meridian_queue_depth',
    help: 'Jobs waiting for an agent, by region',
    labelNames: ['region'],
    registers: [registry],
    async collect() {
      const rows = await jobsByRegion(core.db);
      this.reset();
      for (const row of rows) if (row.status === 'queued') this.set({ region: row.region }, row.count);
    },
  });
  const expiries = new Counter({
    name: 'meridian_lease_expiries_total',
    help: 'Jobs whose agent stopped renewing its lease, by region',
    labelNames: ['region'],
    registers: [registry],
  });
  core.engine.onEvent((event) => {
    if (event.type === 'lease-expired') expiries.inc({ region: typeof event.data?.region === 'string' ? event.data.region : '' });
  });
}
