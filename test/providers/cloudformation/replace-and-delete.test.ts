import { describe, expect, it } from 'vitest';
import { artifact, rolledBackStack, runAction, stackStatus, TEMPLATE, useEndpoint } from './fixture.js';

const endpoint = useEndpoint();

describe('CloudFormation REPLACE_ON_FAILURE (docs/aws-behaviour.md §2.2)', () => {
  it('creates a missing stack', async () => {
    const src = await artifact({ 't.yaml': TEMPLATE });
    await runAction({ configuration: { ActionMode: 'REPLACE_ON_FAILURE', StackName: 'rof-fresh', TemplatePath: 'src::t.yaml' }, inputs: { src } });
    expect(stackStatus(endpoint(), 'rof-fresh')).toBe('CREATE_COMPLETE');
  });

  it('updates an existing healthy stack instead of replacing it', async () => {
    const src = await artifact({ 't.yaml': TEMPLATE });
    const configuration = { ActionMode: 'REPLACE_ON_FAILURE', StackName: 'rof-existing', TemplatePath: 'src::t.yaml' };
    await runAction({ configuration, inputs: { src } });
    const id = endpoint()
      .stacks('eu-west-1')
      .find((stack) => stack.name === 'rof-existing')?.id;
    await runAction({ configuration: { ...configuration, ParameterOverrides: '{"Env":"qa"}' }, inputs: { src } });
    const stack = endpoint()
      .stacks('eu-west-1')
      .find((item) => item.name === 'rof-existing');
    expect(stack).toMatchObject({ id, status: 'UPDATE_COMPLETE', outputs: { Environment: 'qa', Fixed: 'constant' } });
  });

  it('deletes a ROLLBACK_COMPLETE stack (a failed state) and creates it again', async () => {
    await rolledBackStack(endpoint(), 'rof-rolled-back');
    const src = await artifact({ 't.yaml': TEMPLATE });
    const { test } = await runAction({
      configuration: { ActionMode: 'REPLACE_ON_FAILURE', StackName: 'rof-rolled-back', TemplatePath: 'src::t.yaml' },
      inputs: { src },
    });
    expect(test.log()).toContain('is in ROLLBACK_COMPLETE; deleting it');
    expect(test.log()).toContain('DELETE_COMPLETE');
    expect(stackStatus(endpoint(), 'rof-rolled-back')).toBe('CREATE_COMPLETE');
  });
});

describe('CloudFormation DELETE_ONLY (docs/aws-behaviour.md §2.2)', () => {
  it('deletes an existing stack and waits for DELETE_COMPLETE', async () => {
    const src = await artifact({ 't.yaml': TEMPLATE });
    await runAction({ configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'to-delete', TemplatePath: 'src::t.yaml' }, inputs: { src } });
    const { test, result } = await runAction({ configuration: { ActionMode: 'DELETE_ONLY', StackName: 'to-delete' } });
    expect(test.log()).toMatch(/to-delete {2}AWS::CloudFormation::Stack {2}DELETE_COMPLETE/);
    expect(stackStatus(endpoint(), 'to-delete')).toBeUndefined();
    // Output variables are not produced by DELETE_ONLY (docs/aws-behaviour.md §2.3).
    expect(result.outputVariables).toBeUndefined();
  });

  it('succeeds without deleting anything when the stack does not exist', async () => {
    const { test } = await runAction({ configuration: { ActionMode: 'DELETE_ONLY', StackName: 'never-existed' } });
    expect(test.log()).toContain('does not exist in eu-west-1; nothing to delete');
  });

  it('deletes a ROLLBACK_COMPLETE stack', async () => {
    await rolledBackStack(endpoint(), 'delete-rolled-back');
    await runAction({ configuration: { ActionMode: 'DELETE_ONLY', StackName: 'delete-rolled-back' } });
    expect(stackStatus(endpoint(), 'delete-rolled-back')).toBeUndefined();
  });
});
