import { describe, expect, it } from 'vitest';
import { listPipelines, loadDefinition } from '../../src/definition/load-definition.js';
import { fixture, LEDGER_EXPORTS, problemAt, problemsOf } from './helpers.js';

const TEMPLATE = fixture('three-regions.template.yaml');

describe('CloudFormation template', () => {
  it('compiles the three-region pipeline', async () => {
    const pipeline = await loadDefinition(TEMPLATE, { exports: LEDGER_EXPORTS });
    expect(pipeline.name).toBe('ledger-service');
    expect(pipeline.format).toBe('codepipeline-template');
    expect(pipeline.file).toBe(TEMPLATE);
    expect(pipeline.homeRegion).toBe('eu-west-1');
    expect(pipeline.executionMode).toBe('SUPERSEDED');
    expect(pipeline.regions).toEqual([
      { name: 'eu-west-1', timezone: 'UTC', store: { kind: 's3', location: '#{parameters.EuropeStore}' } },
      { name: 'us-east-1', timezone: 'UTC', store: { kind: 's3', location: '#{parameters.AmericaStore}' } },
      { name: 'ap-southeast-2', timezone: 'UTC', store: { kind: 's3', location: '#{parameters.PacificStore}' } },
    ]);
    expect(pipeline.parameters.map(({ name, type, default: value }) => ({ name, type, value }))).toEqual([
      { name: 'EuropeStore', type: 'SSM', value: '/ledger/stores/europe' },
      { name: 'AmericaStore', type: 'SSM', value: '/ledger/stores/america' },
      { name: 'PacificStore', type: 'SSM', value: '/ledger/stores/pacific' },
    ]);
    expect(pipeline.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Deploy']);

    const [source, build, deploy] = pipeline.stages;
    expect(source!.actions[0]).toMatchObject({
      name: 'checkout',
      type: { category: 'Source', owner: 'ThirdParty', provider: 'GitHub', version: '1' },
      region: 'eu-west-1',
      runOrder: 1,
      configuration: { Owner: 'example-org', Repo: 'ledger', Branch: 'main', OAuthToken: 'github-token', PollForSourceChanges: 'false' },
      outputArtifacts: ['code'],
      location: { file: TEMPLATE, line: 61, col: 15 },
    });
    expect(source!.location).toEqual({ file: TEMPLATE, line: 59, col: 11 });
    expect(build!.actions[0]).toMatchObject({
      name: 'package',
      configuration: { ProjectName: 'ledger-build' },
      inputArtifacts: ['code'],
      outputArtifacts: ['bundle'],
    });

    expect(deploy!.actions).toHaveLength(9);
    expect(deploy!.actions.map((a) => [a.name, a.region, a.runOrder])).toEqual([
      ['eu-west-1-stack', 'eu-west-1', 1],
      ['us-east-1-stack', 'us-east-1', 1],
      ['ap-southeast-2-stack', 'ap-southeast-2', 1],
      ['eu-west-1-plan', 'eu-west-1', 2],
      ['us-east-1-plan', 'us-east-1', 2],
      ['ap-southeast-2-plan', 'ap-southeast-2', 2],
      ['eu-west-1-apply', 'eu-west-1', 3],
      ['us-east-1-apply', 'us-east-1', 3],
      ['ap-southeast-2-apply', 'ap-southeast-2', 3],
    ]);
    expect(deploy!.actions[3]!.configuration).toEqual({
      ActionMode: 'CHANGE_SET_REPLACE',
      StackName: 'ledger-api',
      ChangeSetName: 'ledger-release',
      TemplatePath: 'bundle::eu-west-1.api.yaml',
      Capabilities: 'CAPABILITY_IAM',
      RoleArn: 'arn:aws:iam::111122223333:role/ledger-deploy',
    });
    for (const stage of pipeline.stages) for (const action of stage.actions) expect(action.location?.file).toBe(TEMPLATE);
  });

  it('keeps the other resources with resolved properties; the webhook is compiled instead', async () => {
    const { resources } = await loadDefinition(TEMPLATE, { exports: LEDGER_EXPORTS });
    expect(Object.keys(resources)).toEqual(['LedgerBuild']);
    expect(resources.LedgerBuild).toMatchObject({
      type: 'AWS::CodeBuild::Project',
      properties: {
        Name: 'ledger-build',
        ServiceRole: 'arn:aws:iam::111122223333:role/ledger-build',
        Source: { Type: 'CODEPIPELINE', BuildSpec: 'ci/buildspec.yml' },
        Environment: {
          EnvironmentVariables: [
            { Name: 'STORE_EU', Value: '#{parameters.EuropeStore}' },
            { Name: 'STORE_US', Value: '#{parameters.AmericaStore}' },
            { Name: 'STORE_AP', Value: '#{parameters.PacificStore}' },
          ],
        },
      },
    });
  });

  it('compiles the webhook that targets the pipeline', async () => {
    const pipeline = await loadDefinition(TEMPLATE, { exports: LEDGER_EXPORTS });
    expect(pipeline.webhooks).toEqual([
      {
        name: 'LedgerWebhook',
        authentication: 'GITHUB_HMAC',
        // `!ImportValue` gives the secret itself.
        secret: { kind: 'plain', value: 'webhook-secret' },
        filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }],
        targetAction: 'checkout',
        location: { file: TEMPLATE, line: 177, col: 3 },
      },
    ]);
    expect(pipeline.triggers).toEqual([]);
    expect(pipeline.polls).toEqual([]);
  });

  it('reports every missing export at its !ImportValue, but not the ignored RoleArn', async () => {
    const problems = await problemsOf(TEMPLATE);
    expect(problems.map((p) => p.message)).not.toContain('export LedgerPipelineRole is not defined');
    expect(problems).toHaveLength(9);
    const token = problemAt(problems, TEMPLATE, 67, 29);
    expect(token.message).toBe('export LedgerGitHubToken is not defined');
    expect(token.hint).toBe('add it with `meridian exports set LedgerGitHubToken VALUE`');
    expect(problemAt(problems, TEMPLATE, 20, 20).message).toBe('export LedgerBuildRole is not defined');
  });

  it('asks which pipeline when a template holds several', async () => {
    const file = fixture('two-pipelines.template.yaml');
    expect(await listPipelines(file)).toEqual(['app-staging', 'Production']);
    const problems = await problemsOf(file);
    const several = problemAt(problems, file, 5, 1);
    expect(several.message).toBe('this template holds 2 pipelines: `app-staging` and `Production`');
    expect(several.hint).toContain('pass `--pipeline NAME`');

    const staging = await loadDefinition(file, { pipelineName: 'app-staging' });
    expect(staging.stages.map((s) => s.name)).toEqual(['Source', 'Deploy']);
    expect(staging.parameters).toMatchObject([{ name: 'Bucket', type: 'String', default: 'shared-artifacts' }]);
    expect(staging.regions).toEqual([{ name: 'local', timezone: 'UTC', store: { kind: 's3', location: '#{parameters.Bucket}' } }]);
    const production = await loadDefinition(file, { pipelineName: 'Production' });
    expect(production.name).toBe('Production');

    const typo = problemAt(await problemsOf(file, { pipelineName: 'app-stagin' }), file, 5, 1);
    expect(typo.message).toBe('there is no pipeline named app-stagin in this template; it holds `app-staging` and `Production`');
    expect(typo.hint).toBe('did you mean `app-staging`?');
  });

  it('lists the pipeline of each format', async () => {
    expect(await listPipelines(TEMPLATE)).toEqual(['ledger-service']);
    expect(await listPipelines(fixture('three-regions.get-pipeline.json'))).toEqual(['ledger-service']);
    expect(await listPipelines(fixture('three-regions.meridian.yaml'))).toEqual(['ledger-service']);
  });
});
