/** The configuration of `Deploy/AWS/CloudFormation` (native `uses: cloudformation`), as config-schema.ts reads it. */
import type { ConfigSchema } from '../config-schema.js';
import { ACTION_MODES } from './configuration.js';

export const CLOUDFORMATION_SCHEMA: ConfigSchema = {
  summary: "Creates, updates or deletes a CloudFormation stack, directly or through a change set, in the action's region.",
  fields: {
    ActionMode: {
      type: 'string',
      required: true,
      values: ACTION_MODES,
      description:
        'What to do with the stack. `CHANGE_SET_REPLACE` and `CHANGE_SET_EXECUTE` need `ChangeSetName`; the modes that deploy a template need `TemplatePath`.',
      example: 'CHANGE_SET_REPLACE',
    },
    StackName: {
      type: 'string',
      required: true,
      description: 'The stack: a letter, then letters, digits and hyphens, at most 128 characters.',
      example: 'service-x-eu-west-1',
    },
    ChangeSetName: { type: 'string', description: 'The change set to create or execute.', example: 'service-x-release' },
    TemplatePath: { type: 'string', description: 'The template: `ArtifactName::path/in/artifact`.', example: 'Packaged::template.yaml' },
    TemplateConfiguration: {
      type: 'string',
      description: 'A JSON file `{Parameters, Tags, StackPolicy}`: `ArtifactName::path/in/artifact`.',
      example: 'Source::config/eu-west-1.json',
    },
    ParameterOverrides: {
      type: 'json',
      description: 'Template parameters as a JSON object (text in CodePipeline, a map in the native format), at most 1 KB; over `TemplateConfiguration`.',
      example: { Environment: 'production' },
    },
    Capabilities: {
      type: 'list',
      description: '`CAPABILITY_IAM`, `CAPABILITY_NAMED_IAM`, `CAPABILITY_AUTO_EXPAND`; comma-separated in CodePipeline.',
      example: ['CAPABILITY_IAM'],
    },
    RoleArn: { type: 'string', description: 'The role CloudFormation assumes for the stack operation.', example: 'arn:aws:iam::123456789012:role/cfn-deploy' },
    OutputFileName: {
      type: 'string',
      description: "Writes the stack's outputs as JSON to this file of the action's one output artifact.",
      example: 'outputs.json',
    },
  },
  example: { ActionMode: 'CREATE_UPDATE', StackName: 'service-x', TemplatePath: 'Packaged::template.yaml', Capabilities: 'CAPABILITY_IAM' },
};
