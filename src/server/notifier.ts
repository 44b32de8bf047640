/**
 * Outgoing webhooks: a JSON POST to each configured URL when an execution or a stage
 * changes status, with a Slack-compatible `text` field and, when a secret is set, an
 * `X-Meridian-Signature-256: sha256=<HMAC of the body>` header (GitHub's scheme). The engine
 * only appends to a queue; deliveries happen in the background, in order per URL, retried
 * with exponential backoff. The queue lives in memory: notifications pending when the server
 * dies are not sent.
 */
import { sign } from '@octokit/webhooks-methods';
import type { EngineEvent } from '../engine/engine-events.js';
import type { ServerContext } from './context.js';
import { executionSecrets, maskForStream } from './secret-filter.js';

const NOTIFIED = new Set(['execution-started', 'execution-finished', 'stage-started', 'stage-finished']);

export interface NotifierOptions {
  urls: string[];
  secret?: string;
  /** Tries per notification (first try included). */
  attempts?: number;
  /** Wait before the first retry; doubles each time. */
  backoffMs?: number;
  onError: (error: Error) => void;
}

export interface Notification {
  event: 'execution' | 'stage';
  pipeline: string;
  executionId: string;
  stage: string | null;
  status: string;
  at: string;
  description: string;
  /** For Slack incoming webhooks and the like. */
  text: string;
}

export class Notifier {
  private readonly queues = new Map<string, Notification[]>();
  private readonly busy = new Set<string>();
  private readonly pipelines = new Map<string, string>();
  private stopped = false;
  /** Events are turned into notifications one at a time, so they keep the engine's order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: ServerContext,
    private readonly options: NotifierOptions,
  ) {
    for (const url of options.urls) this.queues.set(url, []);
    if (options.urls.length > 0) context.core.engine.onEvent((event) => this.onEvent(event));
  }

  stop(): void {
    this.stopped = true;
  }

  private onEvent(event: EngineEvent): void {
    if (this.stopped || !NOTIFIED.has(event.type)) return;
    this.chain = this.chain
      .then(() => this.pipelineOf(event.executionId))
      .then((pipeline) => {
        const status = typeof event.data?.status === 'string' ? event.data.status : event.type.endsWith('started') ? 'InProgress' : 'unknown';
        const kind = event.type.startsWith('stage') ? 'stage' : 'execution';
        const notification: Notification = {
          event: kind,
          pipeline,
          executionId: event.executionId,
          stage: event.stage,
          status,
          at: event.at,
          description: event.description,
          text: `${pipeline}: ${kind === 'stage' ? `stage ${event.stage ?? ''}` : 'execution'} ${status} (${event.executionId.slice(0, 8)}): ${event.description}`,
        };
        for (const [url, queue] of this.queues) {
          queue.push(notification);
          this.drain(url);
        }
      })
      .catch((error: unknown) => this.options.onError(error instanceof Error ? error : new Error(String(error))));
  }

  private async pipelineOf(executionId: string): Promise<string> {
    const known = this.pipelines.get(executionId);
    if (known !== undefined) return known;
    const { core } = this.context;
    const name = (await core.store.getExecution(core.db, executionId)).pipeline;
    this.pipelines.set(executionId, name);
    return name;
  }

  private drain(url: string): void {
    if (this.busy.has(url)) return;
    this.busy.add(url);
    void (async () => {
      const queue = this.queues.get(url) ?? [];
      while (queue.length > 0 && !this.stopped) {
        const next = queue[0];
        if (next) await this.deliver(url, next);
        queue.shift();
      }
    })().finally(() => this.busy.delete(url));
  }

  private async deliver(url: string, notification: Notification): Promise<void> {
    // A notification leaves the server as an answer does: with the secrets of the loaded pipelines and of the execution's definition masked.
    const secrets = await executionSecrets(this.context.core, notification.executionId);
    const body = JSON.stringify(maskForStream(this.context.catalog, notification, secrets));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Meridian-Notifier' };
    if (this.options.secret) headers['x-meridian-signature-256'] = await sign(this.options.secret, body);
    const attempts = this.options.attempts ?? 5;
    let wait = this.options.backoffMs ?? 1000;
    for (let attempt = 1; attempt <= attempts && !this.stopped; attempt++) {
      try {
        const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.ok) return;
        if (attempt === attempts) throw new Error(`${url} answered ${response.status}`);
      } catch (error) {
        if (attempt === attempts) {
          this.options.onError(new Error(`notification to ${url} dropped after ${attempts} tries: ${error instanceof Error ? error.message : String(error)}`));
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait *= 2;
    }
  }
}
