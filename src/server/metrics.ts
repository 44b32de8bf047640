/**
 * Prometheus metrics for `GET /metrics`: executions by status (read from the store when
 * scraped), action durations and time spent waiting for a stage slot (from the engine's
 * events), webhook deliveries by outcome, and agents and their queues (agent-metrics.ts).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { executionCountsByStatus } from '../stores/state/execution-records.js';
import { registerAgentMetrics } from './agent-metrics.js';
import type { ServerContext } from './context.js';

export type DeliveryOutcome = 'started' | 'duplicate' | 'ignored' | 'unauthorized' | 'malformed' | 'too_large' | 'rate_limited' | 'not_found' | 'busy';

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly deliveries: Counter<'outcome'>;
  private readonly started = new Map<string, number>();
  private readonly waiting = new Map<string, number>();

  constructor(context: ServerContext) {
    const { core } = context;
    new Gauge({
      name: 'meridian_executions',
      help: 'Executions in the state store by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const rows = await executionCountsByStatus(core.db);
        this.reset();
        for (const row of rows) this.set({ status: row.status }, row.count);
      },
    });
    const durations = new Histogram({
      name: 'meridian_action_duration_seconds',
      help: 'How long actions ran, by region and outcome',
      labelNames: ['region', 'status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [this.registry],
    });
    const slotWait = new Histogram({
      name: 'meridian_stage_slot_wait_seconds',
      help: 'How long executions waited in front of a locked stage (execution modes)',
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800, 3600],
      registers: [this.registry],
    });
    this.deliveries = new Counter({
      name: 'meridian_webhook_deliveries_total',
      help: 'Webhook deliveries by outcome',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    registerAgentMetrics(this.registry, context);

    core.engine.onEvent((event) => {
      const at = Date.parse(event.at);
      const key = `${event.executionId}/${event.stage ?? ''}/${event.action ?? ''}`;
      if (event.type === 'action-started') this.started.set(key, at);
      else if (event.type === 'action-finished') {
        const began = this.started.get(key);
        this.started.delete(key);
        const data = event.data ?? {};
        if (began !== undefined) durations.observe({ region: label(data.region), status: label(data.status) }, (at - began) / 1000);
      } else if (event.type === 'stage-waiting') {
        if (!this.waiting.has(event.executionId)) this.waiting.set(event.executionId, at);
      } else if (event.type === 'stage-started' || event.type === 'execution-finished') {
        const began = this.waiting.get(event.executionId);
        this.waiting.delete(event.executionId);
        if (began !== undefined && event.type === 'stage-started') slotWait.observe((at - began) / 1000);
      }
    });
  }

  delivery(outcome: DeliveryOutcome): void {
    this.deliveries.inc({ outcome });
  }
}

function label(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
