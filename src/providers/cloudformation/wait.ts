/** Polls a stack or change set until it settles, backing off from 200 ms to 5 s. */
import type { DescribeChangeSetCommandOutput, Stack } from '@aws-sdk/client-cloudformation';
import { sleep } from '../abort.js';
import { call, describeStack, stackFailure, type StackSession } from './session.js';
import type { StackEventStream } from './stack-events.js';

const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 5_000;

function nextDelay(delay: number): number {
  return Math.min(Math.round(delay * 1.5), MAX_DELAY_MS);
}

/** Settled: no operation in progress. REVIEW_IN_PROGRESS is a resting state (a new stack waiting for its change set). */
function settled(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS') || status === 'REVIEW_IN_PROGRESS';
}

/**
 * Waits for the operation on `stackId` to end in one of `success`; any other end fails the
 * action naming the status and the first failed resource. Returns undefined once deleted.
 */
export async function waitForStack(session: StackSession, stackId: string, events: StackEventStream, success: readonly string[]): Promise<Stack | undefined> {
  let delay = FIRST_DELAY_MS;
  for (;;) {
    await sleep(delay, session.signal);
    delay = nextDelay(delay);
    await events.pump();
    const stack = await describeStack(session, stackId);
    const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
    if (!settled(status)) continue;
    await events.pump();
    if (success.includes(status)) return stack;
    const reason = stack?.StackStatusReason ? ` (${stack.StackStatusReason})` : '';
    const first = events.firstFailure();
    throw stackFailure(session, `ended in ${status}${reason}${first ? `; first failed resource: ${first}` : ''}`, {
      hint: 'read the stack events in this log, fix the template or parameters, and run the action again',
    });
  }
}

/** Waits until the change set leaves CREATE_PENDING / CREATE_IN_PROGRESS. */
export async function waitForChangeSet(session: StackSession, changeSetName: string): Promise<DescribeChangeSetCommandOutput> {
  let delay = FIRST_DELAY_MS;
  for (;;) {
    await sleep(delay, session.signal);
    delay = nextDelay(delay);
    const changeSet = await call(
      session,
      session.client.send(new session.sdk.DescribeChangeSetCommand({ StackName: session.stackName, ChangeSetName: changeSetName })),
    );
    const status = changeSet.Status ?? '';
    if (status !== 'CREATE_PENDING' && status !== 'CREATE_IN_PROGRESS') return changeSet;
  }
}
