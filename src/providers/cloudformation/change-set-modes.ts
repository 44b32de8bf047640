/**
 * CHANGE_SET_REPLACE and CHANGE_SET_EXECUTE: the seed's prepare-everywhere-then-switch
 * pattern. A change set "without changes" is a success in both (docs/aws-behaviour.md §2.2, inferred
 * from CodePipeline always needing a change set, even an empty one).
 */
import type { DescribeChangeSetCommandOutput, Stack } from '@aws-sdk/client-cloudformation';
import { call, describeStack, isAwsError, stackFailure, type StackSession } from './session.js';
import { StackEventStream } from './stack-events.js';
import { stackRequestFields, type StackDeployment } from './stack-request.js';
import { waitForChangeSet, waitForStack } from './wait.js';

const NO_CHANGES = ["didn't contain changes", 'No updates are to be performed'];

function isEmpty(changeSet: DescribeChangeSetCommandOutput): boolean {
  const reason = changeSet.StatusReason ?? '';
  return changeSet.Status === 'FAILED' && NO_CHANGES.some((text) => reason.includes(text));
}

/** Creates the change set, replacing one of the same name; returns the stack as it is (unchanged). */
export async function replaceChangeSet(session: StackSession, deployment: StackDeployment, changeSetName: string): Promise<Stack | undefined> {
  const stack = await describeStack(session);
  // A stack reserved by an earlier unexecuted CREATE change set still takes CREATE.
  const changeSetType = !stack || stack.StackStatus === 'REVIEW_IN_PROGRESS' ? 'CREATE' : 'UPDATE';
  if (stack) await deleteChangeSetIfAny(session, changeSetName);
  session.log.write(`creating change set ${changeSetName} (${changeSetType}) for stack ${session.stackName} in ${session.region}\n`);
  try {
    await call(
      session,
      session.client.send(
        new session.sdk.CreateChangeSetCommand({ ...stackRequestFields(deployment), ChangeSetName: changeSetName, ChangeSetType: changeSetType }),
      ),
    );
  } catch (error) {
    if (isAwsError(error, 'ValidationError', 'can not be updated')) {
      throw stackFailure(session, (error as Error).message, {
        hint: 'the stack is in a state no change set can update; delete it (DELETE_ONLY) or deploy it with REPLACE_ON_FAILURE',
        cause: error,
      });
    }
    throw error;
  }
  const changeSet = await waitForChangeSet(session, changeSetName);
  if (isEmpty(changeSet)) {
    session.log.write(`change set ${changeSetName} contains no changes: ${changeSet.StatusReason ?? ''}\n`);
  } else if (changeSet.Status !== 'CREATE_COMPLETE') {
    throw stackFailure(session, `change set ${changeSetName} is ${changeSet.Status ?? 'unknown'}: ${changeSet.StatusReason ?? 'no reason given'}`);
  } else {
    for (const change of changeSet.Changes ?? []) {
      const resource = change.ResourceChange;
      if (resource) session.log.write(`  ${resource.Action ?? ''} ${resource.LogicalResourceId ?? ''} (${resource.ResourceType ?? ''})\n`);
    }
    session.log.write(`change set ${changeSetName} is ready with ${changeSet.Changes?.length ?? 0} change(s)\n`);
  }
  return stack && stack.StackStatus !== 'REVIEW_IN_PROGRESS' ? stack : undefined;
}

/** Executes the named change set and waits for the stack; an empty change set leaves the stack as it is. */
export async function executeChangeSet(session: StackSession, changeSetName: string): Promise<Stack | undefined> {
  const changeSet = await describeChangeSet(session, changeSetName);
  if (!changeSet) {
    throw stackFailure(session, `ChangeSet [${changeSetName}] does not exist`, {
      hint: 'run the CHANGE_SET_REPLACE action that creates it first (an earlier runOrder), with the same StackName and ChangeSetName',
    });
  }
  if (isEmpty(changeSet)) {
    session.log.write(`change set ${changeSetName} contains no changes; stack ${session.stackName} stays as it is\n`);
    return describeStack(session);
  }
  if (changeSet.ExecutionStatus !== 'AVAILABLE') {
    throw stackFailure(
      session,
      `change set ${changeSetName} cannot be executed: it is ${changeSet.Status ?? '?'} / ${changeSet.ExecutionStatus ?? '?'} ${changeSet.StatusReason ?? ''}`.trim(),
    );
  }
  const stackId = changeSet.StackId ?? session.stackName;
  const events = new StackEventStream(session, stackId);
  await events.skipExisting();
  session.log.write(`executing change set ${changeSetName} on stack ${session.stackName} in ${session.region}\n`);
  // RoleArn is not applied when executing: the change set carries the role it was created with.
  await call(session, session.client.send(new session.sdk.ExecuteChangeSetCommand({ StackName: session.stackName, ChangeSetName: changeSetName })));
  return waitForStack(session, stackId, events, ['CREATE_COMPLETE', 'UPDATE_COMPLETE']);
}

async function describeChangeSet(session: StackSession, changeSetName: string): Promise<DescribeChangeSetCommandOutput | undefined> {
  try {
    return await call(session, session.client.send(new session.sdk.DescribeChangeSetCommand({ StackName: session.stackName, ChangeSetName: changeSetName })));
  } catch (error) {
    if (isAwsError(error, 'ChangeSetNotFound') || isAwsError(error, 'ChangeSetNotFoundException') || isAwsError(error, 'ValidationError', 'does not exist'))
      return undefined;
    throw error;
  }
}

async function deleteChangeSetIfAny(session: StackSession, changeSetName: string): Promise<void> {
  if (!(await describeChangeSet(session, changeSetName))) return;
  session.log.write(`deleting the existing change set ${changeSetName}\n`);
  await call(session, session.client.send(new session.sdk.DeleteChangeSetCommand({ StackName: session.stackName, ChangeSetName: changeSetName })));
}
