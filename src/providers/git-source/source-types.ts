/**
 * The four source action types this provider runs, as data: which keys they require, where
 * their repository lives, and which output variables CodePipeline gives them (CP-VARS:
 * GitHub v1 and CodeCommit add CommitterDate and RepositoryName, GitHub also CommitUrl,
 * CodeStarSourceConnection ConnectionArn and FullRepositoryName).
 */
import { basename } from 'node:path';
import type { Action } from '../../domain/pipeline.js';
import { configString } from '../config.js';
import type { CommitInfo } from './git.js';

export interface SourceType {
  required: readonly string[];
  branchKey: string;
  /** The configured repository: a local path or a URL. */
  location(action: Action): string;
  /** Keys that accept `true`/`false`. */
  booleans: readonly string[];
  /** Whether OutputArtifactFormat may be CODEBUILD_CLONE_REF. */
  cloneRef: boolean;
  /** Variables beyond CommitId, BranchName, CommitMessage and AuthorDate. */
  variables(action: Action, commit: CommitInfo, location: string): Record<string, string>;
  /** The names `variables` gives, known before the source runs. */
  variableNames: readonly string[];
}

/** The variables every source type sets. */
export const COMMIT_VARIABLES = ['CommitId', 'BranchName', 'CommitMessage', 'AuthorDate'] as const;

const text = (action: Action, key: string): string => configString(action, key) ?? '';

export const SOURCE_TYPES: Readonly<Record<string, SourceType>> = {
  'Source/Meridian/Git': {
    required: ['Repository'],
    branchKey: 'Branch',
    location: (action) => text(action, 'Repository'),
    booleans: [],
    cloneRef: true,
    variables: (_action, commit, location) => ({
      CommitterDate: commit.committerDate,
      RepositoryName: repositoryName(location),
    }),
    variableNames: ['CommitterDate', 'RepositoryName'],
  },
  'Source/ThirdParty/GitHub': {
    required: ['Owner', 'Repo', 'Branch'],
    branchKey: 'Branch',
    location: (action) => `https://github.com/${text(action, 'Owner')}/${text(action, 'Repo')}.git`,
    booleans: ['PollForSourceChanges'],
    cloneRef: false,
    variables: (action, commit) => ({
      CommitterDate: commit.committerDate,
      CommitUrl: `https://api.github.com/repos/${text(action, 'Owner')}/${text(action, 'Repo')}/git/commits/${commit.commitId}`,
      RepositoryName: text(action, 'Repo'),
    }),
    variableNames: ['CommitterDate', 'CommitUrl', 'RepositoryName'],
  },
  'Source/AWS/CodeStarSourceConnection': {
    required: ['ConnectionArn', 'FullRepositoryId', 'BranchName'],
    branchKey: 'BranchName',
    location: (action) => `https://github.com/${text(action, 'FullRepositoryId')}.git`,
    booleans: ['DetectChanges'],
    cloneRef: true,
    variables: (action) => ({
      ConnectionArn: text(action, 'ConnectionArn'),
      FullRepositoryName: text(action, 'FullRepositoryId'),
    }),
    variableNames: ['ConnectionArn', 'FullRepositoryName'],
  },
  'Source/AWS/CodeCommit': {
    required: ['RepositoryName', 'BranchName'],
    branchKey: 'BranchName',
    location: (action) => `https://git-codecommit.${action.region}.amazonaws.com/v1/repos/${text(action, 'RepositoryName')}`,
    booleans: ['PollForSourceChanges'],
    cloneRef: true,
    variables: (action, commit) => ({
      CommitterDate: commit.committerDate,
      RepositoryName: text(action, 'RepositoryName'),
    }),
    variableNames: ['CommitterDate', 'RepositoryName'],
  },
};

/** `service-x` for `https://github.com/acme/service-x.git`, `/src/service-x` or `git@host:acme/service-x`. */
export function repositoryName(location: string): string {
  const trimmed = location.replace(/[/\\]+$/, '').replace(/\.git$/, '');
  return basename(trimmed.replace(/^[^/]*:/, '/')) || trimmed;
}
