/**
 * One action of a native pipeline -> its CodePipeline `ActionDeclaration` (PascalCase,
 * configuration as text). Meridian's own types have no CodePipeline form and become their
 * nearest one, each with a note saying what changes:
 *
 * - the git source (`sources:`): a GitHub (version 1) action when a webhook starts it (the
 *   seed's shape), else a CodeStarSourceConnection action (which V2 triggers need);
 * - a CodeBuild action without `ProjectName`: its buildspec and settings move into a
 *   generated `AWS::CodeBuild::Project`;
 * - a release action: a CodeDeploy action (its settings in a comment); a no-op: a Commands
 *   action running `true`.
 */
import { actionTypeKey, type Action, type ConfigValue, type Pipeline } from '../../domain/pipeline.js';
import { DEFAULT_POLL_SECONDS } from '../codepipeline/triggers.js';
import { configurationLengths } from '../rules/codepipeline-quotas.js';
import { cfnText, configText, pascal, tagged } from './cfn-values.js';

export interface ExportContext {
  pipeline: Pipeline;
  /** Resources to add (generated CodeBuild projects), by logical id. */
  resources: Record<string, unknown>;
  /** Parameters to add (connection ARN, roles...), by name. */
  parameters: Record<string, unknown>;
  notes: string[];
  /** Meridian-only action types written as their nearest CodePipeline type: type -> action names. */
  customTypes: Map<string, string[]>;
  /** Comments to put before an action's declaration. */
  comments: Array<{ action: Action; text: string }>;
}

const PROJECT_KEYS = ['BuildSpec', 'Environment', 'TimeoutInMinutes', 'Cache', 'Name', 'Source', 'Artifacts', 'ServiceRole'];
const GITHUB = /github\.com[/:]([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/;

export function exportAction(action: Action, ctx: ExportContext): Record<string, unknown> {
  const declaration = declare(action, ctx);
  quotaNotes(action, declaration, ctx);
  return declaration;
}

function declare(action: Action, ctx: ExportContext): Record<string, unknown> {
  const key = actionTypeKey(action.type);
  if (key === 'Source/Meridian/Git') return gitSource(action, ctx);
  const declaration = baseDeclaration(action);
  const configuration: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(action.configuration)) {
    if (name === 'files' && key === 'Compute/AWS/Commands') continue;
    configuration[name] = configText(name, value);
  }
  if (action.type.provider === 'CodeBuild' && action.type.owner === 'AWS') codeBuild(action, configuration, ctx);
  if (key === 'Deploy/Meridian/Release') {
    // CodeDeploy is CodePipeline's deploy to hosts; the release's own settings survive in a comment.
    declaration.ActionTypeId = { Category: 'Deploy', Owner: 'AWS', Provider: 'CodeDeploy', Version: '1' };
    ctx.comments.push({ action, text: ` Meridian release (Deploy/Meridian/Release): ${JSON.stringify(action.configuration)}` });
    ctx.customTypes.set(key, [...(ctx.customTypes.get(key) ?? []), action.name]);
    declaration.Configuration = { ApplicationName: ctx.pipeline.name, DeploymentGroupName: action.name };
    return declaration;
  }
  if (key === 'Compute/Meridian/Noop') {
    declaration.ActionTypeId = { Category: 'Compute', Owner: 'AWS', Provider: 'Commands', Version: '1' };
    declaration.Commands = ['true'];
    ctx.customTypes.set(key, [...(ctx.customTypes.get(key) ?? []), action.name]);
    return declaration;
  }
  if (Object.keys(configuration).length > 0) declaration.Configuration = configuration;
  const files = action.configuration.files;
  if (key === 'Compute/AWS/Commands' && Array.isArray(files) && action.outputArtifacts.length > 0) {
    declaration.OutputArtifacts = action.outputArtifacts.map((name, i) => (i === 0 ? { Name: name, Files: files.map(String) } : { Name: name }));
  }
  return declaration;
}

/**
 * What CodePipeline would refuse (rules/codepipeline-quotas.ts): a timeout on anything but the
 * Manual approval is left out, an approval's is raised to 5 minutes; a configuration key or
 * value beyond CodePipeline's lengths is written as it is, with a note.
 */
function quotaNotes(action: Action, declaration: Record<string, unknown>, ctx: ExportContext): void {
  const timeout = declaration.TimeoutInMinutes;
  if (typeof timeout === 'number' && actionTypeKey(action.type) !== 'Approval/AWS/Manual') {
    delete declaration.TimeoutInMinutes;
    ctx.notes.push(
      `action ${action.name}: its timeout (${timeout} min) is left out: CodePipeline takes TimeoutInMinutes on the Manual approval only and gives ${actionTypeKey(action.type)} its fixed timeout`,
    );
  } else if (typeof timeout === 'number' && timeout < 5) {
    declaration.TimeoutInMinutes = 5;
    ctx.notes.push(`action ${action.name}: its timeout is raised to 5 minutes, the least CodePipeline takes for a Manual approval`);
  }
  const configuration = (declaration.Configuration ?? {}) as Record<string, unknown>;
  const texts = Object.fromEntries(Object.entries(configuration).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  for (const found of configurationLengths({ ...action, configuration: texts })) {
    ctx.notes.push(`action ${action.name}: CodePipeline would refuse this template: ${found.message} (${found.hint})`);
  }
}

function baseDeclaration(action: Action): Record<string, unknown> {
  const declaration: Record<string, unknown> = {
    Name: action.name,
    ActionTypeId: { Category: action.type.category, Owner: action.type.owner, Provider: action.type.provider, Version: action.type.version },
  };
  if (action.runOrder !== 1) declaration.RunOrder = action.runOrder;
  // `Region` exactly when the definition named one: an action without it is stage-wide in region lanes.
  if (action.homeByDefault !== true) declaration.Region = action.region;
  if (action.namespace !== undefined) declaration.Namespace = action.namespace;
  if (action.inputArtifacts.length > 0) declaration.InputArtifacts = action.inputArtifacts.map((name) => ({ Name: name }));
  if (action.outputArtifacts.length > 0) declaration.OutputArtifacts = action.outputArtifacts.map((name) => ({ Name: name }));
  if (action.timeoutInMinutes !== undefined) declaration.TimeoutInMinutes = Math.ceil(action.timeoutInMinutes);
  if (action.commands !== undefined) declaration.Commands = action.commands.map(cfnText);
  if (action.outputVariables !== undefined) declaration.OutputVariables = [...action.outputVariables];
  const isCommands = actionTypeKey(action.type) === 'Compute/AWS/Commands';
  if (action.environmentVariables !== undefined && isCommands) {
    declaration.EnvironmentVariables = action.environmentVariables.map((v) => ({
      Name: v.name,
      Value: cfnText(v.value),
      ...(v.type === 'PLAINTEXT' ? {} : { Type: v.type }),
    }));
  }
  return declaration;
}

/** A CodeBuild action without a project: its settings go into a generated AWS::CodeBuild::Project. */
function codeBuild(action: Action, configuration: Record<string, unknown>, ctx: ExportContext): void {
  if (action.environmentVariables !== undefined) {
    configuration.EnvironmentVariables = JSON.stringify(action.environmentVariables.map((v) => ({ name: v.name, value: v.value, type: v.type })));
    ctx.notes.push(`action ${action.name}: its env: is written as the CodeBuild action's EnvironmentVariables configuration (JSON), as CodePipeline has it`);
  }
  if (action.configuration.ProjectName !== undefined) {
    const named = Object.entries(ctx.pipeline.resources).find(
      ([, r]) => r.type === 'AWS::CodeBuild::Project' && r.properties.Name === action.configuration.ProjectName,
    );
    if (named) configuration.ProjectName = tagged('!Ref', named[0]);
    return;
  }
  const id = `${pascal(action.name)}Project`;
  const given = (name: string): ConfigValue | undefined => action.configuration[name];
  const environment = { Type: 'LINUX_CONTAINER', ComputeType: 'BUILD_GENERAL1_SMALL', Image: 'aws/codebuild/standard:7.0', ...asObject(given('Environment')) };
  const properties: Record<string, unknown> = {
    Name: `${ctx.pipeline.name}-${action.name}`,
    ServiceRole: tagged('!Sub', `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${ctx.pipeline.name}-codebuild`),
    Artifacts: { Type: 'CODEPIPELINE' },
    Source: { Type: 'CODEPIPELINE', ...(typeof given('BuildSpec') === 'string' ? { BuildSpec: given('BuildSpec') } : {}) },
    Environment: environment,
  };
  if (given('TimeoutInMinutes') !== undefined) properties.TimeoutInMinutes = Number(given('TimeoutInMinutes'));
  if (given('Cache') !== undefined) properties.Cache = given('Cache');
  for (const name of PROJECT_KEYS) delete configuration[name];
  configuration.ProjectName = tagged('!Ref', id);
  ctx.resources[id] = { Type: 'AWS::CodeBuild::Project', Properties: properties };
  ctx.notes.push(
    `action ${action.name}: its buildspec and build settings moved into the AWS::CodeBuild::Project ${id} (the image is AWS's; Meridian builds on its host either way)`,
  );
  if (action.region !== ctx.pipeline.homeRegion)
    ctx.notes.push(
      `action ${action.name} builds in ${action.region}: create project ${String(properties.Name)} in that region too (this template creates it in the pipeline's region)`,
    );
}

function asObject(value: ConfigValue | undefined): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** Meridian's git source as the nearest CodePipeline source (see the file comment). */
function gitSource(action: Action, ctx: ExportContext): Record<string, unknown> {
  const { pipeline } = ctx;
  const repository = typeof action.configuration.Repository === 'string' ? action.configuration.Repository : '';
  const branch = typeof action.configuration.Branch === 'string' ? action.configuration.Branch : undefined;
  const webhook = pipeline.webhooks.find((w) => w.targetAction === action.name);
  const trigger = pipeline.triggers.find((t) => t.sourceActionName === action.name);
  const poll = pipeline.polls.find((p) => p.sourceActionName === action.name);
  const github = GITHUB.exec(repository);
  const declaration = baseDeclaration(action);
  const id = pascal(action.name);
  const localName =
    repository
      .split(/[\\/]/)
      .filter(Boolean)
      .pop()
      ?.replace(/\.git$/, '') ?? action.name;
  if (!github)
    ctx.notes.push(
      `source ${action.name} reads ${repository}, which is not on GitHub: set the parameters naming its GitHub repository (run it locally with --source ${action.name}=PATH)`,
    );
  if (branch === undefined)
    ctx.notes.push(`source ${action.name} has no branch (Meridian builds the default branch): main is written, as CodePipeline needs one`);

  if (webhook && !trigger) {
    declaration.ActionTypeId = { Category: 'Source', Owner: 'ThirdParty', Provider: 'GitHub', Version: '1' };
    let owner: unknown = github?.[1];
    let repo: unknown = github?.[2];
    if (!github) {
      ctx.parameters[`${id}Owner`] = { Type: 'String', Default: 'OWNER', Description: `The GitHub owner of source ${action.name}` };
      ctx.parameters[`${id}Repo`] = {
        Type: 'String',
        Default: localName,
        Description: `The GitHub repository of source ${action.name} (Meridian read ${repository})`,
      };
      owner = tagged('!Ref', `${id}Owner`);
      repo = tagged('!Ref', `${id}Repo`);
    }
    declaration.Configuration = {
      Owner: owner,
      Repo: repo,
      Branch: branch ?? 'main',
      OAuthToken: '{{resolve:secretsmanager:github-oauth-token:SecretString:token}}',
      PollForSourceChanges: poll ? 'true' : 'false',
    };
    ctx.notes.push(
      `source ${action.name} is a GitHub (version 1) action started by its webhook, as in CodePipeline's V1 webhooks; its OAuthToken is read from Secrets Manager (github-oauth-token)`,
    );
    if (poll && poll.intervalSeconds !== DEFAULT_POLL_SECONDS)
      ctx.notes.push(`source ${action.name} was polled every ${poll.intervalSeconds} s: PollForSourceChanges polls every ${DEFAULT_POLL_SECONDS} s`);
    return declaration;
  }

  declaration.ActionTypeId = { Category: 'Source', Owner: 'AWS', Provider: 'CodeStarSourceConnection', Version: '1' };
  let fullRepositoryId: unknown = github ? `${github[1]!}/${github[2]!}` : undefined;
  if (!github) {
    ctx.parameters[`${id}Repository`] = {
      Type: 'String',
      Default: `OWNER/${localName}`,
      Description: `The GitHub repository (owner/name) of source ${action.name} (Meridian read ${repository})`,
    };
    fullRepositoryId = tagged('!Ref', `${id}Repository`);
  }
  declaration.Configuration = {
    ConnectionArn: tagged('!Ref', 'ConnectionArn'),
    FullRepositoryId: fullRepositoryId,
    BranchName: branch ?? 'main',
    DetectChanges: trigger ? 'true' : 'false',
  };
  ctx.parameters.ConnectionArn ??= { Type: 'String', Description: 'The CodeConnections connection to GitHub' };
  ctx.notes.push(
    `source ${action.name} is a CodeStarSourceConnection action (${trigger ? 'its push filters are V2 Triggers' : 'started by hand: DetectChanges false'}); Meridian fetches the same repository with git`,
  );
  if (poll)
    ctx.notes.push(
      `source ${action.name} was polled every ${poll.intervalSeconds} s: a connection source is not polled, its pushes arrive through the connection`,
    );
  return declaration;
}
