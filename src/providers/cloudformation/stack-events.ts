/**
 * Streams a stack's events into the action's log while an operation runs, each event once
 * and oldest first. Events that existed before the operation started are not repeated.
 */
import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { call, type StackSession } from './session.js';

export class StackEventStream {
  private readonly seen = new Set<string>();
  private firstFailed: StackEvent | undefined;

  constructor(
    private readonly session: StackSession,
    private readonly stackId: string,
  ) {}

  /** Remembers the events present now, so that only the next operation's events are logged. */
  async skipExisting(): Promise<void> {
    for (const event of await this.fetch()) this.seen.add(event.EventId ?? '');
  }

  /** Logs the events not logged yet. */
  async pump(): Promise<void> {
    const fresh = (await this.fetch()).filter((event) => !this.seen.has(event.EventId ?? ''));
    // DescribeStackEvents lists newest first.
    for (const event of fresh.reverse()) {
      this.seen.add(event.EventId ?? '');
      if (!this.firstFailed && /FAILED$/.test(event.ResourceStatus ?? '') && event.ResourceStatusReason) this.firstFailed = event;
      this.session.log.write(`${formatEvent(event)}\n`);
    }
  }

  /** The first failed resource of this operation, which CodePipeline names in its error. */
  firstFailure(): string | undefined {
    const event = this.firstFailed;
    return event
      ? `${event.LogicalResourceId ?? '?'} (${event.ResourceType ?? '?'}) ${event.ResourceStatus ?? ''}: ${event.ResourceStatusReason ?? ''}`
      : undefined;
  }

  private async fetch(): Promise<StackEvent[]> {
    // The first page (the newest events) is enough when polled every few seconds at most.
    const result = await call(this.session, this.session.client.send(new this.session.sdk.DescribeStackEventsCommand({ StackName: this.stackId })));
    return result.StackEvents ?? [];
  }
}

function formatEvent(event: StackEvent): string {
  const time = event.Timestamp ? event.Timestamp.toISOString() : '';
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
  return `${time}  ${event.LogicalResourceId ?? ''}  ${event.ResourceType ?? ''}  ${event.ResourceStatus ?? ''}${reason}`;
}
