/**
 * CREATE_UPDATE, REPLACE_ON_FAILURE and DELETE_ONLY: direct stack operations, waited for
 * with the stack's events in the log (docs/aws-behaviour.md §2.2).
 */
import type { Stack } from '@aws-sdk/client-cloudformation';
import { call, describeStack, isAwsError, stackFailure, type StackSession } from './session.js';
import { StackEventStream } from './stack-events.js';
import { stackRequestFields, type StackDeployment } from './stack-request.js';
import { waitForStack } from './wait.js';

/** States REPLACE_ON_FAILURE deletes and re-creates (both guides' lists together, docs/aws-behaviour.md §2.2). */
const FAILED_STATES = ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_FAILED', 'UPDATE_ROLLBACK_FAILED'];

export async function createOrUpdate(session: StackSession, deployment: StackDeployment, replaceOnFailure: boolean): Promise<Stack> {
  let stack = await describeStack(session);
  const status = stack?.StackStatus ?? '';
  // A REVIEW_IN_PROGRESS stack is a name reserved by an unexecuted change set, with no resources:
  // CreateStack cannot reuse the name and UpdateStack refuses it, so it is deleted first.
  if (stack && ((replaceOnFailure && FAILED_STATES.includes(status)) || status === 'REVIEW_IN_PROGRESS')) {
    session.log.write(`stack ${session.stackName} is in ${status}; deleting it before creating it again\n`);
    await deleteExisting(session, stack, deployment.config.roleArn);
    stack = undefined;
  }
  if (stack && status === 'ROLLBACK_COMPLETE') {
    throw stackFailure(session, `is in ROLLBACK_COMPLETE state and can not be updated; CREATE_UPDATE does not replace a failed stack`, {
      hint: 'delete the stack (a DELETE_ONLY action) or use ActionMode REPLACE_ON_FAILURE',
    });
  }
  const fields = stackRequestFields(deployment);
  const policy = deployment.inputs.stackPolicy;
  if (!stack) {
    session.log.write(`creating stack ${session.stackName} in ${session.region}\n`);
    const created = await call(session, session.client.send(new session.sdk.CreateStackCommand({ ...fields, StackPolicyBody: policy })));
    const stackId = created.StackId ?? session.stackName;
    return required(session, await waitForStack(session, stackId, new StackEventStream(session, stackId), ['CREATE_COMPLETE']));
  }
  const stackId = stack.StackId ?? session.stackName;
  const events = new StackEventStream(session, stackId);
  await events.skipExisting();
  session.log.write(`updating stack ${session.stackName} in ${session.region}\n`);
  try {
    await call(session, session.client.send(new session.sdk.UpdateStackCommand({ ...fields, StackPolicyBody: policy })));
  } catch (error) {
    if (isAwsError(error, 'ValidationError', 'No updates are to be performed')) {
      session.log.write(`stack ${session.stackName} is up to date: no updates are to be performed\n`);
      return stack;
    }
    throw error;
  }
  return required(session, await waitForStack(session, stackId, events, ['UPDATE_COMPLETE']));
}

/** Deletes the stack; a stack that does not exist counts as deleted (DELETE_ONLY succeeds). */
export async function deleteStack(session: StackSession, roleArn: string | undefined): Promise<void> {
  const stack = await describeStack(session);
  if (!stack) {
    session.log.write(`stack ${session.stackName} does not exist in ${session.region}; nothing to delete\n`);
    return;
  }
  await deleteExisting(session, stack, roleArn);
}

async function deleteExisting(session: StackSession, stack: Stack, roleArn: string | undefined): Promise<void> {
  // Polled by id: by name, a deleted stack "does not exist", while by id it reports DELETE_COMPLETE.
  const stackId = stack.StackId ?? session.stackName;
  const events = new StackEventStream(session, stackId);
  await events.skipExisting();
  session.log.write(`deleting stack ${session.stackName} in ${session.region}\n`);
  await call(session, session.client.send(new session.sdk.DeleteStackCommand({ StackName: stackId, RoleARN: roleArn })));
  await waitForStack(session, stackId, events, ['DELETE_COMPLETE']);
}

function required(session: StackSession, stack: Stack | undefined): Stack {
  if (!stack) throw stackFailure(session, 'disappeared while it was being created or updated');
  return stack;
}
