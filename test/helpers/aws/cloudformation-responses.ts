/** The XML result bodies of the CloudFormation actions the endpoint answers. */
import type { ChangeSetRecord, StackRecord } from './cloudformation-stacks.js';
import { element, members } from './query-protocol.js';

export function stackXml(stack: StackRecord): string {
  const parameters = Object.entries(stack.definition?.parameters ?? {});
  const outputs = Object.entries(stack.outputs);
  const tags = Object.entries(stack.definition?.tags ?? {});
  return (
    element('StackId', stack.id) +
    element('StackName', stack.name) +
    element('CreationTime', stack.createdAt.toISOString()) +
    element('StackStatus', stack.status) +
    element('StackStatusReason', stack.reason) +
    element('RoleARN', stack.definition?.roleArn) +
    members('Capabilities', stack.definition?.capabilities ?? [], (capability) => capability) +
    members('Parameters', parameters, ([key, value]) => element('ParameterKey', key) + element('ParameterValue', value)) +
    members('Tags', tags, ([key, value]) => element('Key', key) + element('Value', value)) +
    members('Outputs', outputs, ([key, value]) => element('OutputKey', key) + element('OutputValue', value))
  );
}

export function stackEventsXml(stack: StackRecord): string {
  const newestFirst = [...stack.events].reverse();
  return members(
    'StackEvents',
    newestFirst,
    (event) =>
      element('StackId', stack.id) +
      element('EventId', event.eventId) +
      element('StackName', stack.name) +
      element('LogicalResourceId', event.logicalId) +
      element('PhysicalResourceId', event.logicalId === stack.name ? stack.id : `${stack.name}-${event.logicalId}`) +
      element('ResourceType', event.resourceType) +
      element('Timestamp', event.timestamp.toISOString()) +
      element('ResourceStatus', event.status) +
      element('ResourceStatusReason', event.reason),
  );
}

export function changeSetXml(stack: StackRecord, changeSet: ChangeSetRecord): string {
  return (
    element('ChangeSetName', changeSet.name) +
    element('ChangeSetId', changeSet.id) +
    element('StackId', stack.id) +
    element('StackName', stack.name) +
    element('CreationTime', changeSet.createdAt.toISOString()) +
    element('ExecutionStatus', changeSet.executionStatus) +
    element('Status', changeSet.status) +
    element('StatusReason', changeSet.reason) +
    members('Parameters', Object.entries(changeSet.definition.parameters), ([key, value]) => element('ParameterKey', key) + element('ParameterValue', value)) +
    members('Capabilities', changeSet.definition.capabilities, (capability) => capability) +
    members(
      'Changes',
      changeSet.status === 'CREATE_COMPLETE' ? changeSet.changes : [],
      (change) =>
        element('Type', 'Resource') +
        `<ResourceChange>${element('Action', change.action)}${element('LogicalResourceId', change.logicalId)}${element('ResourceType', change.resourceType)}</ResourceChange>`,
    )
  );
}

export function changeSetSummaryXml(stack: StackRecord, changeSet: ChangeSetRecord): string {
  return (
    element('StackId', stack.id) +
    element('StackName', stack.name) +
    element('ChangeSetId', changeSet.id) +
    element('ChangeSetName', changeSet.name) +
    element('ExecutionStatus', changeSet.executionStatus) +
    element('Status', changeSet.status) +
    element('StatusReason', changeSet.reason) +
    element('CreationTime', changeSet.createdAt.toISOString())
  );
}
