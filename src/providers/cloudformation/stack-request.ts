/** What CreateStack, UpdateStack and CreateChangeSet share: the template and its inputs. */
import type { Capability, Parameter, Tag } from '@aws-sdk/client-cloudformation';
import type { StackActionConfig } from './configuration.js';
import type { StackInputs } from './parameters.js';
import type { StackTemplate } from './template.js';

export interface StackDeployment {
  config: StackActionConfig;
  template: StackTemplate;
  inputs: StackInputs;
}

export interface StackRequestFields {
  StackName: string;
  TemplateBody: string;
  Parameters: Parameter[];
  Tags: Tag[] | undefined;
  Capabilities: Capability[] | undefined;
  RoleARN: string | undefined;
}

export function stackRequestFields({ config, template, inputs }: StackDeployment): StackRequestFields {
  const tags = Object.entries(inputs.tags).map(([Key, Value]) => ({ Key, Value }));
  return {
    StackName: config.stackName,
    TemplateBody: template.body,
    Parameters: Object.entries(inputs.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    Tags: tags.length > 0 ? tags : undefined,
    // Validated against CloudFormation's capability names by validateConfig.
    Capabilities: config.capabilities.length > 0 ? (config.capabilities as Capability[]) : undefined,
    RoleARN: config.roleArn,
  };
}
