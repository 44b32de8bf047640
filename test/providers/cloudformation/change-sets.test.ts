import { describe, expect, it } from 'vitest';
import { artifact, REGION, rolledBackStack, runAction, runFailing, stackStatus, TEMPLATE, useEndpoint } from './fixture.js';

const endpoint = useEndpoint();

function modes(stack: string): { replace: Record<string, string>; execute: Record<string, string> } {
  return {
    replace: { ActionMode: 'CHANGE_SET_REPLACE', StackName: stack, ChangeSetName: 'pipeline', TemplatePath: 'src::t.yaml' },
    execute: { ActionMode: 'CHANGE_SET_EXECUTE', StackName: stack, ChangeSetName: 'pipeline' },
  };
}

describe('CloudFormation CHANGE_SET_REPLACE and CHANGE_SET_EXECUTE (docs/aws-behaviour.md §2.2)', () => {
  it('prepares a CREATE change set for a new stack without creating it, then executing creates it', async () => {
    const src = await artifact({ 't.yaml': TEMPLATE });
    const { replace, execute } = modes('cs-fresh');
    const prepared = await runAction({ configuration: replace, inputs: { src } });
    expect(prepared.test.log()).toContain('creating change set pipeline (CREATE)');
    expect(stackStatus(endpoint(), 'cs-fresh')).toBe('REVIEW_IN_PROGRESS');
    expect(prepared.result.outputVariables).toEqual({});
    const { test, result } = await runAction({ configuration: execute });
    expect(test.log()).toMatch(/Queue {2}AWS::SQS::Queue {2}CREATE_COMPLETE/);
    expect(stackStatus(endpoint(), 'cs-fresh')).toBe('CREATE_COMPLETE');
    expect(result.outputVariables).toEqual({ Environment: 'dev', Fixed: 'constant' });
  });

  it('replaces an existing change set of that name with an UPDATE change set for an existing stack', async () => {
    const src = await artifact({ 't.yaml': TEMPLATE });
    const { replace, execute } = modes('cs-existing');
    await runAction({ configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'cs-existing', TemplatePath: 'src::t.yaml' }, inputs: { src } });
    await runAction({ configuration: { ...replace, ParameterOverrides: '{"Env":"one"}' }, inputs: { src } });
    const second = await runAction({ configuration: { ...replace, ParameterOverrides: '{"Env":"two"}' }, inputs: { src } });
    expect(second.test.log()).toContain('deleting the existing change set pipeline');
    expect(second.test.log()).toContain('creating change set pipeline (UPDATE)');
    // Does not modify the stack.
    expect(stackStatus(endpoint(), 'cs-existing')).toBe('CREATE_COMPLETE');
    await runAction({ configuration: execute });
    const stack = endpoint()
      .stacks(REGION)
      .find((item) => item.name === 'cs-existing');
    expect(stack).toMatchObject({ status: 'UPDATE_COMPLETE', outputs: { Environment: 'two' }, changeSets: [] });
  });

  it('treats an empty change set ("didn\'t contain changes") as success in both modes, stack unchanged (inferred)', async () => {
    const src = await artifact({ 't.yaml': TEMPLATE });
    const { replace, execute } = modes('cs-empty');
    await runAction({ configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'cs-empty', TemplatePath: 'src::t.yaml' }, inputs: { src } });
    const prepared = await runAction({ configuration: replace, inputs: { src } });
    expect(prepared.test.log()).toContain("contains no changes: The submitted information didn't contain changes");
    const executed = await runAction({ configuration: execute });
    expect(executed.test.log()).toContain('stays as it is');
    expect(executed.result.outputVariables).toEqual({ Environment: 'dev', Fixed: 'constant' });
    expect(stackStatus(endpoint(), 'cs-empty')).toBe('CREATE_COMPLETE');
  });

  it('fails CHANGE_SET_REPLACE on a ROLLBACK_COMPLETE stack with CloudFormation\'s "can not be updated" and a fix', async () => {
    await rolledBackStack(endpoint(), 'cs-rolled-back');
    const src = await artifact({ 't.yaml': TEMPLATE });
    const { replace } = modes('cs-rolled-back');
    const { message } = await runFailing({ configuration: replace, inputs: { src } });
    expect(message).toContain(`stack cs-rolled-back in ${REGION}`);
    expect(message).toContain('is in ROLLBACK_COMPLETE state and can not be updated');
  });

  it('fails CHANGE_SET_EXECUTE when the change set does not exist (ROLLBACK_COMPLETE stack or none prepared)', async () => {
    await rolledBackStack(endpoint(), 'cs-exec-rolled-back');
    const { message } = await runFailing({ configuration: modes('cs-exec-rolled-back').execute });
    expect(message).toContain('ChangeSet [pipeline] does not exist');
    const missing = await runFailing({ configuration: modes('cs-nothing').execute });
    expect(missing.message).toContain(`stack cs-nothing in ${REGION}: ChangeSet [pipeline] does not exist`);
  });
});
