import { describe, expect, it } from 'vitest';
import { artifact, runAction, runFailing, TEMPLATE, useEndpoint } from './fixture.js';

const endpoint = useEndpoint();

const LOST_PARAMETER_NAME = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Type: String
  Default: dev
Resources:
  Queue:
    Type: AWS::SQS::Queue
`;

describe('CloudFormation templates and parameters (docs/aws-behaviour.md §2.1, §2.3, §6)', () => {
  it("rejects the seed's lost parameter name with Template format error and its line, before any API call", async () => {
    const src = await artifact({ 'infra/template.yaml': LOST_PARAMETER_NAME });
    const { message } = await runFailing({
      region: 'ap-southeast-2',
      configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'lost', TemplatePath: 'src::infra/template.yaml' },
      inputs: { src },
    });
    expect(message).toMatch(/^src::infra\/template\.yaml:3:3: Template format error: /);
    expect(message).toContain('parameter Type');
    expect(message).toContain('stack lost in ap-southeast-2');
    expect(endpoint().requests.filter((request) => request.region === 'ap-southeast-2')).toEqual([]);
  });

  it('rejects YAML syntax errors and a missing Resources with their location', async () => {
    const src = await artifact({ 'broken.yaml': 'Resources:\n  Queue: [unclosed\n', 'empty.yaml': 'Outputs: {}\n' });
    const broken = await runFailing({
      region: 'ap-southeast-2',
      configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'broken', TemplatePath: 'src::broken.yaml' },
      inputs: { src },
    });
    expect(broken.message).toMatch(/^src::broken\.yaml:\d+:\d+: Template format error: /);
    const empty = await runFailing({
      region: 'ap-southeast-2',
      configuration: { ActionMode: 'CHANGE_SET_REPLACE', StackName: 'empty', ChangeSetName: 'cs', TemplatePath: 'src::empty.yaml' },
      inputs: { src },
    });
    expect(empty.message).toContain('Template format error: At least one Resources member must be defined.');
    expect(endpoint().requests.filter((request) => request.region === 'ap-southeast-2')).toEqual([]);
  });

  it('fails clearly when the template is missing from the artifact, naming the artifact, path and region', async () => {
    const src = await artifact({ 'other.yaml': TEMPLATE });
    const { message } = await runFailing({
      configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'missing', TemplatePath: 'src::infra/template.yaml' },
      inputs: { src },
    });
    expect(message).toContain('infra/template.yaml is not in artifact src');
    expect(message).toContain('eu-west-1');
  });

  it('reads ParameterOverrides with Fn::GetParam from an input artifact, over TemplateConfiguration', async () => {
    const src = await artifact({ 't.yaml': TEMPLATE, 'config.json': JSON.stringify({ Parameters: { Env: 'from-config' }, Tags: { team: 'x' } }) });
    const previous = await artifact({ 'outputs.json': JSON.stringify({ Environment: 'from-previous-stack' }) });
    const { result } = await runAction({
      configuration: {
        ActionMode: 'CREATE_UPDATE',
        StackName: 'get-param',
        TemplatePath: 'src::t.yaml',
        TemplateConfiguration: 'src::config.json',
        ParameterOverrides: JSON.stringify({ Env: { 'Fn::GetParam': ['previous', 'outputs.json', 'Environment'] } }),
        Capabilities: 'CAPABILITY_IAM,CAPABILITY_AUTO_EXPAND',
        RoleArn: 'arn:aws:iam::123456789012:role/cfn',
      },
      inputs: { src, previous },
    });
    expect(result.outputVariables).toMatchObject({ Environment: 'from-previous-stack' });
    expect(
      endpoint()
        .stacks('eu-west-1')
        .find((stack) => stack.name === 'get-param')?.parameters,
    ).toEqual({ Env: 'from-previous-stack' });
  });

  it('rejects overrides of parameters the template does not declare, before any API call', async () => {
    const src = await artifact({ 't.yaml': TEMPLATE });
    const { message } = await runFailing({
      region: 'us-east-1',
      configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'undeclared', TemplatePath: 'src::t.yaml', ParameterOverrides: '{"Nope":"x"}' },
      inputs: { src },
    });
    expect(message).toContain('parameters Nope are not declared in the template');
    expect(endpoint().requests.filter((request) => request.region === 'us-east-1')).toEqual([]);
  });
});
