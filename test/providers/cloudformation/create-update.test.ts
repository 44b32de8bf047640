import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifact, REGION, rolledBackStack, runAction, runFailing, stackStatus, TEMPLATE, useEndpoint } from './fixture.js';

const endpoint = useEndpoint();

describe('CloudFormation CREATE_UPDATE (docs/aws-behaviour.md §2.2)', () => {
  it('creates a missing stack, streams its events and returns its Outputs as variables', async () => {
    const src = await artifact({ 'infra/template.yaml': TEMPLATE });
    const { test, result } = await runAction({
      configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'fresh', TemplatePath: 'src::infra/template.yaml' },
      inputs: { src },
    });
    expect(stackStatus(endpoint(), 'fresh')).toBe('CREATE_COMPLETE');
    expect(result.outputVariables).toEqual({ Environment: 'dev', Fixed: 'constant' });
    const log = test.log();
    expect(log).toMatch(/Queue {2}AWS::SQS::Queue {2}CREATE_COMPLETE/);
    // Each event once, oldest first.
    expect(log.match(/fresh {2}AWS::CloudFormation::Stack {2}CREATE_COMPLETE/g)).toHaveLength(1);
    expect(log.indexOf('CREATE_IN_PROGRESS')).toBeLessThan(log.indexOf('CREATE_COMPLETE'));
  });

  it('updates an existing stack and writes the Outputs into OutputFileName', async () => {
    const src = await artifact({ 't.yaml': TEMPLATE });
    const configuration = { ActionMode: 'CREATE_UPDATE', StackName: 'existing', TemplatePath: 'src::t.yaml' };
    await runAction({ configuration, inputs: { src } });
    const { test, result } = await runAction({
      configuration: { ...configuration, ParameterOverrides: '{"Env":"prod"}', OutputFileName: 'outputs.json' },
      inputs: { src },
      outputs: ['stackOutputs'],
    });
    expect(test.log()).toContain('updating stack existing');
    expect(stackStatus(endpoint(), 'existing')).toBe('UPDATE_COMPLETE');
    expect(result.outputVariables).toEqual({ Environment: 'prod', Fixed: 'constant' });
    const folder = test.outputs.get('stackOutputs') ?? '';
    expect(JSON.parse(await readFile(join(folder, 'outputs.json'), 'utf8'))).toEqual({ Environment: 'prod', Fixed: 'constant' });
  });

  it('treats "No updates are to be performed" as success (inferred, docs/aws-behaviour.md §2.2)', async () => {
    const src = await artifact({ 't.yaml': TEMPLATE });
    const configuration = { ActionMode: 'CREATE_UPDATE', StackName: 'unchanged', TemplatePath: 'src::t.yaml' };
    await runAction({ configuration, inputs: { src } });
    const { test, result } = await runAction({ configuration, inputs: { src } });
    expect(test.log()).toContain('no updates are to be performed');
    expect(result.outputVariables).toEqual({ Environment: 'dev', Fixed: 'constant' });
    expect(stackStatus(endpoint(), 'unchanged')).toBe('CREATE_COMPLETE');
  });

  it('fails on a ROLLBACK_COMPLETE stack without replacing it, naming the stack, region and fix', async () => {
    await rolledBackStack(endpoint(), 'rolled-back');
    const src = await artifact({ 't.yaml': TEMPLATE });
    const { message } = await runFailing({
      configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'rolled-back', TemplatePath: 'src::t.yaml' },
      inputs: { src },
    });
    expect(message).toContain(`stack rolled-back in ${REGION}`);
    expect(message).toContain('ROLLBACK_COMPLETE');
    expect(stackStatus(endpoint(), 'rolled-back')).toBe('ROLLBACK_COMPLETE');
  });

  it('names the first failed resource when the create rolls back (CodePipeline error detail)', async () => {
    const src = await artifact({ 'bad.yaml': TEMPLATE.replace('QueueName: !Sub "q-${Env}"', 'FailOnCreate: true') });
    const { message, log } = await runFailing({
      configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'fails', TemplatePath: 'src::bad.yaml' },
      inputs: { src },
    });
    expect(message).toContain('first failed resource: Queue (AWS::SQS::Queue) CREATE_FAILED');
    expect(log).toContain('ROLLBACK_COMPLETE');
  });
});
