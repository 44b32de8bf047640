/** The configuration of the four source action types the git source provider runs, as config-schema.ts reads it. */
import type { ConfigField, ConfigSchema } from '../config-schema.js';

const cloneRef: ConfigField = {
  type: 'string',
  values: ['CODE_ZIP', 'CODEBUILD_CLONE_REF'],
  default: 'CODE_ZIP',
  description: '`CODE_ZIP`: the files at the commit; `CODEBUILD_CLONE_REF`: a full clone, with history.',
};
const poll: ConfigField = {
  type: 'boolean',
  default: false,
  description: '`true`: Meridian polls the branch and starts an execution when it moves, as CodePipeline does.',
};

export const GIT_SOURCE_SCHEMAS: Readonly<Record<string, ConfigSchema>> = {
  'Source/Meridian/Git': {
    summary: 'Fetches a branch of a git repository (a URL or a local path) into its output artifact.',
    fields: {
      Repository: { type: 'string', required: true, description: 'A git URL or a local path.', example: 'https://github.com/acme/service-x.git' },
      Branch: { type: 'string', description: "The branch. Default: the repository's default branch.", example: 'main' },
      OutputArtifactFormat: cloneRef,
      OAuthToken: { type: 'string', description: 'A token for https fetches (give it as a secret or parameter reference, never in clear).' },
    },
    example: { Repository: 'https://github.com/acme/service-x.git', Branch: 'main' },
  },
  'Source/ThirdParty/GitHub': {
    summary: 'GitHub (version 1): fetches a branch of github.com/Owner/Repo.',
    fields: {
      Owner: { type: 'string', required: true, description: 'The GitHub user or organisation.', example: 'acme' },
      Repo: { type: 'string', required: true, description: 'The repository.', example: 'service-x' },
      Branch: { type: 'string', required: true, description: 'The branch.', example: 'main' },
      OAuthToken: {
        type: 'string',
        description: 'A GitHub token for https fetches: a secret or parameter reference.',
        example: '{{resolve:secretsmanager:github:SecretString:token}}',
      },
      PollForSourceChanges: poll,
    },
    example: { Owner: 'acme', Repo: 'service-x', Branch: 'main', PollForSourceChanges: false },
  },
  'Source/AWS/CodeStarSourceConnection': {
    summary: 'A connection to GitHub, GitLab or Bitbucket: fetches a branch of FullRepositoryId.',
    fields: {
      ConnectionArn: {
        type: 'string',
        required: true,
        description: 'The connection; kept as the ConnectionArn variable.',
        example: 'arn:aws:codeconnections:eu-west-1:123456789012:connection/abc',
      },
      FullRepositoryId: { type: 'string', required: true, description: '`owner/repository`.', example: 'acme/service-x' },
      BranchName: { type: 'string', required: true, description: 'The branch.', example: 'main' },
      OutputArtifactFormat: cloneRef,
      PollForSourceChanges: {
        ...poll,
        description:
          '`true`: Meridian polls the branch and starts an execution when it moves. Meridian only: CodePipeline takes it on GitHub (version 1) and CodeCommit sources, and refuses it here.',
      },
      DetectChanges: { type: 'boolean', default: true, description: 'Whether a push starts the pipeline (through its webhook), as CodePipeline does.' },
    },
    example: { ConnectionArn: 'arn:aws:codeconnections:eu-west-1:123456789012:connection/abc', FullRepositoryId: 'acme/service-x', BranchName: 'main' },
  },
  'Source/AWS/CodeCommit': {
    summary: "CodeCommit: fetches a branch of a repository in the action's region.",
    fields: {
      RepositoryName: { type: 'string', required: true, description: 'The repository.', example: 'service-x' },
      BranchName: { type: 'string', required: true, description: 'The branch.', example: 'main' },
      OutputArtifactFormat: cloneRef,
      PollForSourceChanges: poll,
    },
    example: { RepositoryName: 'service-x', BranchName: 'main' },
  },
};
