/**
 * The endpoint's stacks and change sets of one region, moving through CloudFormation's
 * documented states with a short delay between steps. Every step records stack events as
 * CloudFormation does (newest first when described).
 */
import { randomUUID } from 'node:crypto';
import { readTemplate } from './cloudformation-template.js';
import { QueryError } from './query-protocol.js';

export const ACCOUNT = '123456789012';

export interface StackEventRecord {
  eventId: string;
  logicalId: string;
  resourceType: string;
  status: string;
  reason?: string;
  timestamp: Date;
}

export interface StackDefinition {
  template: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  capabilities: string[];
  roleArn?: string;
}

export interface ChangeRecord {
  action: 'Add' | 'Modify' | 'Remove';
  logicalId: string;
  resourceType: string;
}

export interface ChangeSetRecord {
  id: string;
  name: string;
  type: 'CREATE' | 'UPDATE';
  status: string;
  executionStatus: string;
  reason?: string;
  createdAt: Date;
  definition: StackDefinition;
  changes: ChangeRecord[];
}

export interface StackRecord {
  id: string;
  name: string;
  status: string;
  reason?: string;
  createdAt: Date;
  /** What the stack runs now (empty template while REVIEW_IN_PROGRESS). */
  definition?: StackDefinition;
  outputs: Record<string, string>;
  events: StackEventRecord[];
  changeSets: Map<string, ChangeSetRecord>;
}

/** States in which CloudFormation refuses UpdateStack and UPDATE change sets. */
const NOT_UPDATABLE = /(_IN_PROGRESS|_FAILED|^ROLLBACK_COMPLETE|^DELETE_COMPLETE)$/;

export class RegionStacks {
  /** Live stacks by name; deleted ones stay findable by id, as in CloudFormation. */
  readonly live = new Map<string, StackRecord>();
  readonly deleted: StackRecord[] = [];

  constructor(
    readonly region: string,
    private readonly later: (step: () => void) => void,
  ) {}

  find(nameOrId: string): StackRecord | undefined {
    return this.live.get(nameOrId) ?? [...this.live.values(), ...this.deleted].find((stack) => stack.id === nameOrId);
  }

  get(nameOrId: string): StackRecord {
    const stack = this.find(nameOrId);
    if (!stack) throw new QueryError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    return stack;
  }

  createStack(name: string, definition: StackDefinition): StackRecord {
    if (this.live.has(name)) throw new QueryError('AlreadyExistsException', `Stack [${name}] already exists`);
    readTemplate(definition.template);
    const stack = this.newStack(name);
    this.runCreate(stack, definition);
    return stack;
  }

  updateStack(name: string, definition: StackDefinition): StackRecord {
    const stack = this.updatable(name);
    readTemplate(definition.template);
    if (sameDefinition(stack.definition, definition)) throw new QueryError('ValidationError', 'No updates are to be performed.');
    this.runUpdate(stack, definition);
    return stack;
  }

  deleteStack(nameOrId: string): void {
    const stack = this.find(nameOrId);
    if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return;
    this.setStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated');
    this.later(() => {
      for (const [id, resource] of this.resources(stack)) this.event(stack, id, resource, 'DELETE_COMPLETE');
      this.later(() => {
        this.setStatus(stack, 'DELETE_COMPLETE');
        stack.changeSets.clear();
        this.live.delete(stack.name);
        this.deleted.push(stack);
      });
    });
  }

  createChangeSet(stackName: string, name: string, type: 'CREATE' | 'UPDATE', definition: StackDefinition): ChangeSetRecord {
    readTemplate(definition.template);
    let stack = this.live.get(stackName);
    if (type === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
        throw new QueryError('ValidationError', `Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`);
      }
      if (!stack) {
        stack = this.newStack(stackName);
        this.setStatus(stack, 'REVIEW_IN_PROGRESS', 'User Initiated');
      }
    } else {
      stack = this.updatable(stackName);
    }
    if (stack.changeSets.has(name)) throw new QueryError('AlreadyExistsException', `ChangeSet ${name} already exists`);
    const changeSet: ChangeSetRecord = {
      id: `arn:aws:cloudformation:${this.region}:${ACCOUNT}:changeSet/${name}/${randomUUID()}`,
      name,
      type,
      status: 'CREATE_PENDING',
      executionStatus: 'UNAVAILABLE',
      createdAt: new Date(),
      definition,
      changes: diff(stack.definition, definition),
    };
    stack.changeSets.set(name, changeSet);
    const target = stack;
    this.later(() => {
      changeSet.status = 'CREATE_IN_PROGRESS';
      this.later(() => {
        if (type === 'UPDATE' && sameDefinition(target.definition, definition)) {
          changeSet.status = 'FAILED';
          changeSet.reason = "The submitted information didn't contain changes. Submit different information to create a change set.";
        } else {
          changeSet.status = 'CREATE_COMPLETE';
          changeSet.executionStatus = 'AVAILABLE';
        }
      });
    });
    return changeSet;
  }

  changeSet(stackName: string, name: string): { stack: StackRecord; changeSet: ChangeSetRecord } {
    const stack = this.find(stackName);
    const changeSet = stack ? (stack.changeSets.get(name) ?? [...stack.changeSets.values()].find((item) => item.id === name)) : undefined;
    if (!stack || !changeSet) throw new QueryError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);
    return { stack, changeSet };
  }

  executeChangeSet(stackName: string, name: string): void {
    const { stack, changeSet } = this.changeSet(stackName, name);
    if (changeSet.executionStatus !== 'AVAILABLE') {
      throw new QueryError(
        'InvalidChangeSetStatus',
        `ChangeSet [${changeSet.id}] cannot be executed in its current execution status of [${changeSet.executionStatus}]`,
      );
    }
    // Executing a change set deletes every change set of the stack.
    stack.changeSets.clear();
    if (changeSet.type === 'CREATE') this.runCreate(stack, changeSet.definition);
    else this.runUpdate(stack, changeSet.definition);
  }

  /** A resource with `Properties.FailOnCreate: true` fails, and the stack rolls back to ROLLBACK_COMPLETE (the tests' way to get one). */
  private runCreate(stack: StackRecord, definition: StackDefinition): void {
    const template = readTemplate(definition.template);
    stack.definition = definition;
    this.setStatus(stack, 'CREATE_IN_PROGRESS', 'User Initiated');
    this.later(() => {
      const failed: string[] = [];
      for (const [id, resource] of template.resources) {
        this.event(stack, id, resource.type, 'CREATE_IN_PROGRESS');
        if (resource.failOnCreate) failed.push(id);
        this.event(
          stack,
          id,
          resource.type,
          resource.failOnCreate ? 'CREATE_FAILED' : 'CREATE_COMPLETE',
          resource.failOnCreate ? 'Resource creation failed: FailOnCreate is true' : undefined,
        );
      }
      this.later(() => {
        if (failed.length === 0) {
          stack.outputs = template.outputs({ ...template.defaults, ...definition.parameters });
          this.setStatus(stack, 'CREATE_COMPLETE');
          return;
        }
        this.setStatus(stack, 'ROLLBACK_IN_PROGRESS', `The following resource(s) failed to create: [${failed.join(', ')}]. Rollback requested by user.`);
        this.later(() => this.setStatus(stack, 'ROLLBACK_COMPLETE'));
      });
    });
  }

  private runUpdate(stack: StackRecord, definition: StackDefinition): void {
    const template = readTemplate(definition.template);
    const previous = stack.definition;
    this.setStatus(stack, 'UPDATE_IN_PROGRESS', 'User Initiated');
    this.later(() => {
      const changes = diff(previous, definition);
      const failed = changes.filter((change) => change.action === 'Add' && template.resources.get(change.logicalId)?.failOnCreate);
      for (const change of changes) {
        const verb = change.action === 'Add' ? 'CREATE' : change.action === 'Modify' ? 'UPDATE' : 'DELETE';
        const fails = failed.includes(change);
        this.event(
          stack,
          change.logicalId,
          change.resourceType,
          fails ? 'CREATE_FAILED' : `${verb}_COMPLETE`,
          fails ? 'Resource creation failed: FailOnCreate is true' : undefined,
        );
      }
      this.later(() => {
        if (failed.length === 0) {
          stack.definition = definition;
          stack.outputs = template.outputs({ ...template.defaults, ...definition.parameters });
          this.setStatus(stack, 'UPDATE_COMPLETE');
          return;
        }
        this.setStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', `The following resource(s) failed to create: [${failed.map((c) => c.logicalId).join(', ')}].`);
        this.later(() => this.setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE'));
      });
    });
  }

  private updatable(name: string): StackRecord {
    const stack = this.live.get(name);
    if (!stack) throw new QueryError('ValidationError', `Stack [${name}] does not exist`);
    if (NOT_UPDATABLE.test(stack.status) || stack.status === 'REVIEW_IN_PROGRESS') {
      throw new QueryError('ValidationError', `Stack:${stack.id} is in ${stack.status} state and can not be updated.`);
    }
    return stack;
  }

  private newStack(name: string): StackRecord {
    const stack: StackRecord = {
      id: `arn:aws:cloudformation:${this.region}:${ACCOUNT}:stack/${name}/${randomUUID()}`,
      name,
      status: 'REVIEW_IN_PROGRESS',
      createdAt: new Date(),
      outputs: {},
      events: [],
      changeSets: new Map(),
    };
    this.live.set(name, stack);
    return stack;
  }

  private resources(stack: StackRecord): Array<[string, string]> {
    if (!stack.definition) return [];
    return [...readTemplate(stack.definition.template).resources].map(([id, resource]) => [id, resource.type]);
  }

  private setStatus(stack: StackRecord, status: string, reason?: string): void {
    stack.status = status;
    stack.reason = reason;
    this.event(stack, stack.name, 'AWS::CloudFormation::Stack', status, reason);
  }

  private event(stack: StackRecord, logicalId: string, resourceType: string, status: string, reason?: string): void {
    stack.events.push({ eventId: randomUUID(), logicalId, resourceType, status, reason, timestamp: new Date() });
  }
}

function sameDefinition(current: StackDefinition | undefined, next: StackDefinition): boolean {
  if (!current) return false;
  const parameters = (definition: StackDefinition): string => {
    const template = readTemplate(definition.template);
    return JSON.stringify(Object.entries({ ...template.defaults, ...definition.parameters }).sort());
  };
  return current.template === next.template && parameters(current) === parameters(next) && JSON.stringify(current.tags) === JSON.stringify(next.tags);
}

function diff(current: StackDefinition | undefined, next: StackDefinition): ChangeRecord[] {
  const before = current ? readTemplate(current.template).resources : new Map<string, { type: string; fingerprint: string }>();
  const after = readTemplate(next.template).resources;
  const changes: ChangeRecord[] = [];
  for (const [id, resource] of after) {
    const old = before.get(id);
    if (!old) changes.push({ action: 'Add', logicalId: id, resourceType: resource.type });
    else if (old.fingerprint !== resource.fingerprint) changes.push({ action: 'Modify', logicalId: id, resourceType: resource.type });
  }
  for (const [id, resource] of before) if (!after.has(id)) changes.push({ action: 'Remove', logicalId: id, resourceType: resource.type });
  // A parameter-only change modifies the resources in place.
  if (changes.length === 0 && current && !sameDefinition(current, next)) {
    for (const [id, resource] of after) changes.push({ action: 'Modify', logicalId: id, resourceType: resource.type });
  }
  return changes;
}
