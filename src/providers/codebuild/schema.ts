/** The configuration of `Build/AWS/CodeBuild` and `Test/AWS/CodeBuild` (native `uses: codebuild`), as config-schema.ts reads it. */
import type { ConfigField, ConfigSchema } from '../config-schema.js';

const variables: ConfigField = {
  type: 'json',
  description:
    'Environment variables over the project\'s: `[{"name", "value", "type"}]` (JSON text in CodePipeline), type `PLAINTEXT`, `PARAMETER_STORE` or `SECRETS_MANAGER`.',
  example: [{ name: 'STAGE', value: 'prod', type: 'PLAINTEXT' }],
};

export const CODEBUILD_SCHEMA: ConfigSchema = {
  summary: "Runs a buildspec on this host with bash, with CodeBuild's phases, environment, artifacts, cache and reports.",
  fields: {
    ProjectName: {
      type: 'string',
      description:
        'An `AWS::CodeBuild::Project` of the same template (by `Name` or logical id) whose settings the build takes. Without one, the keys below give them.',
      example: 'service-x-build',
    },
    PrimarySource: { type: 'string', description: 'The input artifact holding the buildspec, when there are several.', example: 'Source' },
    BuildSpec: {
      type: 'string',
      description: "The buildspec: a file in the primary source, or the buildspec itself as text. Default: the project's, else `buildspec.yml`.",
      example: 'ci/buildspec.yml',
    },
    EnvironmentVariables: variables,
    Name: { type: 'string', description: 'The project name, without `ProjectName` (as in `AWS::CodeBuild::Project`).' },
    Environment: {
      type: 'object',
      description: 'The build environment, as in `AWS::CodeBuild::Project`: the image is named in the log, not used; the variables are set.',
      fields: {
        Image: { type: 'string', description: 'Named in the log; the build runs on this host.', example: 'aws/codebuild/standard:7.0' },
        ComputeType: { type: 'string', description: 'Accepted; not used here.' },
        Type: { type: 'string', description: 'Accepted; not used here.' },
        EnvironmentVariables: { type: 'json', description: 'Project variables: `[{Name, Value, Type}]`.' },
      },
    },
    Source: {
      type: 'object',
      description: 'The project source, as in `AWS::CodeBuild::Project`: its `BuildSpec`.',
      fields: {
        BuildSpec: { type: 'string', description: 'The buildspec file or text.' },
      },
    },
    TimeoutInMinutes: { type: 'integer', description: 'How long the build may run.', default: 60 },
    Cache: {
      type: 'object',
      description: "The project cache: `Type: NO_CACHE` turns the buildspec's cache off.",
      fields: { Type: { type: 'string', description: '`NO_CACHE` turns the cache off; any other type is a local cache here.' } },
    },
  },
  example: { ProjectName: 'service-x-build', PrimarySource: 'Source' },
};
