/**
 * Source actions backed by git: Meridian's own `Source/Meridian/Git` and the CodePipeline
 * types GitHub (v1), CodeStarSourceConnection and CodeCommit. Locally they all read a git
 * repository: the configured one, or the path or URL given with `--source`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import { actionTypeKey, type Action } from '../../domain/pipeline.js';
import { booleanProblems, configString, missingKeys } from '../config.js';
import type { ActionContext, ActionResult, ConfigProblem, Provider } from '../provider.js';
import { displayLocation, fetchSource, isBranchName, isUrl, type SourceRequest } from './fetch-source.js';
import { commitInfo } from './git.js';
import { COMMIT_VARIABLES, SOURCE_TYPES, type SourceType } from './source-types.js';
import { GIT_SOURCE_SCHEMAS } from './schema.js';

const OUTPUT_FORMATS = ['CODE_ZIP', 'CODEBUILD_CLONE_REF'];

export const gitSourceProvider: Provider = {
  types: Object.keys(SOURCE_TYPES),
  configuration: GIT_SOURCE_SCHEMAS,
  outputVariables: (action) => [...COMMIT_VARIABLES, ...sourceTypeOf(action).variableNames],
  capabilities: { idempotent: true, cancellable: true },
  validate,
  run,
};

function sourceTypeOf(action: Action): SourceType {
  const type = SOURCE_TYPES[actionTypeKey(action.type)];
  if (!type) throw new MeridianError('INTERNAL', `the git source provider does not run ${actionTypeKey(action.type)}`);
  return type;
}

function validate(action: Action): ConfigProblem[] {
  const type = sourceTypeOf(action);
  const problems = [...missingKeys(action, type.required), ...type.booleans.flatMap((key) => booleanProblems(action, key))];
  const branch = configString(action, type.branchKey);
  if (branch !== undefined && !isBranchName(branch)) {
    problems.push({ field: type.branchKey, message: `"${branch}" is not a valid branch name` });
  }
  const format = configString(action, 'OutputArtifactFormat');
  if (format !== undefined) {
    const allowed = type.cloneRef ? OUTPUT_FORMATS : ['CODE_ZIP'];
    if (!allowed.includes(format)) {
      problems.push({ field: 'OutputArtifactFormat', message: `OutputArtifactFormat must be one of ${allowed.join(', ')}` });
    }
  }
  const fullRepositoryId = configString(action, 'FullRepositoryId');
  if (fullRepositoryId !== undefined && !/^[^/\s]+\/[^\s]+$/.test(fullRepositoryId)) {
    problems.push({ field: 'FullRepositoryId', message: 'FullRepositoryId must look like owner/repository', hint: 'e.g. FullRepositoryId: acme/service-x' });
  }
  if (action.inputArtifacts.length > 0) {
    problems.push({ field: '', message: `source action ${action.name} cannot have input artifacts`, hint: 'remove its InputArtifacts' });
  }
  if (action.outputArtifacts.length !== 1) {
    problems.push({ field: '', message: `source action ${action.name} needs exactly one output artifact, not ${action.outputArtifacts.length}` });
  }
  return problems;
}

async function run(ctx: ActionContext): Promise<ActionResult> {
  const { action } = ctx;
  const type = sourceTypeOf(action);
  const output = action.outputArtifacts[0];
  if (output === undefined) throw new MeridianError('ACTION_FAILED', `source action ${action.name} declares no output artifact; add one`);
  const override = ctx.sourceOverride;
  const request: SourceRequest = {
    location: override?.location || type.location(action),
    branch: override?.branch ?? configString(action, type.branchKey),
    revision: override?.revision,
    fullClone: configString(action, 'OutputArtifactFormat') === 'CODEBUILD_CLONE_REF',
    gitEnv: authEnvironment(ctx),
  };
  if (request.location === '') {
    throw new MeridianError('SOURCE', `source action ${action.name} has no repository; set it in the definition or pass --source ${output}=PATH`);
  }
  maskUrlPassword(ctx, request.location);
  const where = displayLocation(request.location);
  ctx.log.write(`fetching ${where}${request.branch ? ` branch ${request.branch}` : ''}${request.revision ? ` at ${request.revision}` : ''}\n`);

  const outDir = await ctx.outputDir(output);
  const scratchDir = await mkdtemp(join(ctx.workDir, '.git-source-'));
  try {
    const fetched = await fetchSource(request, outDir, scratchDir, ctx.signal);
    const commit = await commitInfo(fetched.gitDir, fetched.commit, ctx.signal);
    const firstLine = commit.message.split('\n', 1)[0] ?? '';
    ctx.log.write(`exported ${commit.commitId} (${fetched.branch}) into ${output}${request.fullClone ? ' with its .git' : ''}\n`);
    return {
      outputVariables: {
        // COMMIT_VARIABLES, which validation knows of.
        CommitId: commit.commitId,
        BranchName: fetched.branch,
        CommitMessage: commit.message,
        AuthorDate: commit.authorDate,
        ...type.variables(action, commit, request.location),
      },
      summary: `${fetched.branch}@${commit.commitId.slice(0, 7)} ${firstLine}`.trimEnd(),
    };
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}

/**
 * A GitHub (v1) OAuthToken, when one is given in clear, authenticates https fetches from
 * github.com. It travels in GIT_CONFIG_* variables: never on a command line, never written
 * to the clone's config.
 */
function authEnvironment(ctx: ActionContext): Record<string, string> {
  const token = configString(ctx.action, 'OAuthToken');
  // get-pipeline prints `****`; a CloudFormation dynamic reference is not a token either.
  if (actionTypeKey(ctx.action.type) !== 'Source/ThirdParty/GitHub' || !token || /^\*+$/.test(token) || token.startsWith('{{resolve:')) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  ctx.mask(token);
  ctx.mask(basic);
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader', GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}` };
}

function maskUrlPassword(ctx: ActionContext, location: string): void {
  if (!isUrl(location)) return;
  const password = /^[a-z][a-z0-9+.-]*:\/\/[^@/:]*:([^@/]+)@/i.exec(location)?.[1];
  if (password) ctx.mask(password);
}
