import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { fixture, problemAt, problemsOf, tempDefinition } from './helpers.js';

/** A V2 pipeline whose connection source `app` gets the `Triggers` written from line 7 on. */
const withTriggers = (triggers: string, pipelineType = '      PipelineType: V2\n'): string => `Resources:
  Shop:
    Type: AWS::CodePipeline::Pipeline
    Properties:
${pipelineType}      ArtifactStore: { Type: S3, Location: shop-artifacts }
${triggers}
      Stages:
        - Name: Source
          Actions:
            - Name: app
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: 1 }
              Configuration: { ConnectionArn: 'arn:aws:codestar-connections:eu-west-1:1:connection/1', FullRepositoryId: acme/shop, BranchName: main }
              OutputArtifacts: [{ Name: app }]
            - Name: legacy
              ActionTypeId: { Category: Source, Owner: ThirdParty, Provider: GitHub, Version: 1 }
              Configuration: { Owner: acme, Repo: legacy, Branch: main, OAuthToken: t }
              OutputArtifacts: [{ Name: legacy }]
        - Name: Build
          Actions:
            - Name: build
              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: 1 }
              Configuration: { PrimarySource: app }
              InputArtifacts: [{ Name: app }, { Name: legacy }]
`;

async function check(text: string) {
  const file = await tempDefinition('template.yaml', text);
  const problems = await problemsOf(file);
  return { problems, at: (line: number, col: number) => problemAt(problems, file, line, col) };
}

describe('V2 triggers and polls of a CodePipeline definition', () => {
  it('compiles Triggers, PollForSourceChanges and the webhook of a template', async () => {
    const file = fixture('starts/triggers.template.yaml');
    const pipeline = await loadDefinition(file);
    expect(pipeline.triggers).toEqual([
      {
        providerType: 'CodeStarSourceConnection',
        sourceActionName: 'app',
        push: [
          { branches: { includes: ['main', 'release/**'], excludes: ['release/old-*'] }, filePaths: { includes: ['src/**'], excludes: ['src/**/*.md'] } },
          { tags: { includes: ['v*'], excludes: [] } },
        ],
        location: { file, line: 15, col: 11 },
      },
    ]);
    // PollForSourceChanges: true polls every 60 s; the connection source is started by its trigger only.
    expect(pipeline.polls).toEqual([{ sourceActionName: 'schemas', intervalSeconds: 60 }]);
    expect(pipeline.webhooks).toEqual([
      {
        name: 'orders-schemas',
        authentication: 'GITHUB_HMAC',
        // A !Ref to an SSM-typed parameter: the secret is read from the parameter store when a delivery arrives.
        secret: { kind: 'parameter', name: '/orders/webhook-secret' },
        filters: [
          { jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' },
          { jsonPath: '$.repository.name', matchEquals: '{Repo}' },
        ],
        targetAction: 'schemas',
        location: { file, line: 52, col: 3 },
      },
    ]);
  });

  it('compiles the same triggers and polls from get-pipeline JSON', async () => {
    const template = await loadDefinition(fixture('starts/triggers.template.yaml'));
    const json = await loadDefinition(fixture('starts/triggers.get-pipeline.json'));
    const strip = <T extends { location?: unknown }>(items: T[]): unknown[] => items.map(({ location: _, ...rest }) => rest);
    expect(strip(json.triggers)).toEqual(strip(template.triggers));
    expect(json.polls).toEqual(template.polls);
    // get-pipeline does not print webhooks (they are a separate API).
    expect(json.webhooks).toEqual([]);
  });

  it('refuses PullRequest filters at their line, saying what to do instead', async () => {
    const { at, problems } = await check(
      withTriggers(`      Triggers:
        - ProviderType: CodeStarSourceConnection
          GitConfiguration:
            SourceActionName: app
            PullRequest:
              - Events: [OPEN]
                Branches: { Includes: [main] }`),
    );
    const refused = at(11, 13);
    expect(refused.message).toBe('`PullRequest` triggers are not supported by Meridian yet: it starts pipelines on pushes only');
    expect(refused.hint).toContain('start on pushes with `Push` filters');
    expect(problems).toHaveLength(1);
  });

  it('checks the push filter combinations, counts and pattern lengths', async () => {
    const long = 'x'.repeat(256);
    const { at, problems } = await check(
      withTriggers(`      Triggers:
        - ProviderType: CodeStarSourceConnection
          GitConfiguration:
            SourceActionName: app
            Push:
              - Tags: { Includes: ['v*'] }
                Branches: { Includes: [main] }
              - FilePaths: { Includes: ['src/**'] }
              - Branches: { Includes: [a, b, c, d, e, f, g, h, i] }
              - Branches: { Includes: [${long}], Excludes: [] }`),
    );
    expect(at(12, 17)).toMatchObject({
      message: 'a push filter takes tags, branches, or branches with file paths: `Tags` cannot be combined with `Branches`',
      hint: 'split it into two filters (they are OR-ed): one with `Tags`, one with `Branches`',
    });
    expect(at(14, 17)).toMatchObject({
      message: '`FilePaths` need `Branches` in the same push filter',
      hint: "add `Branches: ['**']` for every branch, or the branches you build",
    });
    expect(at(15, 64).message).toBe('`Includes` of `Branches` takes at most 8 patterns; this list has 9');
    expect(at(16, 40).message).toBe('a pattern has 1 to 255 characters (this one has 256)');
    expect(at(16, 309)).toMatchObject({ message: '`Excludes` needs 1 to 8 patterns', hint: 'list at least one pattern, or remove `Excludes`' });
    expect(at(11, 13)).toMatchObject({ message: 'a trigger takes 1 to 3 push filters; this one has 4' });
    expect(problems).toHaveLength(6);
  });

  it('needs a V2 pipeline, a known provider type and a connection source of the first stage', async () => {
    const { at } = await check(
      withTriggers(
        `      Triggers:
        - ProviderType: CodeConnection
          GitConfiguration:
            SourceActionName: ap
            Push: [{ Branches: { Includes: [main] } }]
        - ProviderType: CodeStarSourceConnection
          GitConfiguration:
            SourceActionName: legacy
            Push: [{ Tags: { Excludes: [wip] } }]`,
        '      PipelineType: V1\n',
      ),
    );
    expect(at(5, 21)).toMatchObject({ message: '`Triggers` need a V2 pipeline', hint: 'set `PipelineType: V2`' });
    expect(at(8, 25).message).toBe('ProviderType `CodeConnection` is not one of `CodeStarSourceConnection`');
  });

  it('reports a trigger on a source that does not exist or is not a connection', async () => {
    const { at } = await check(
      withTriggers(`      Triggers:
        - ProviderType: CodeStarSourceConnection
          GitConfiguration:
            SourceActionName: ap
            Push: [{ Branches: { Includes: [main] } }]
        - ProviderType: CodeStarSourceConnection
          GitConfiguration:
            SourceActionName: legacy
            Push: [{ Tags: { Excludes: [wip] } }]`),
    );
    expect(at(10, 31)).toMatchObject({ message: '`SourceActionName` ap is not an action of this pipeline', hint: 'did you mean `app`?' });
    expect(at(14, 31)).toMatchObject({
      message: 'V2 triggers start CodeStarSourceConnection source actions; legacy is Source/ThirdParty/GitHub',
      hint: 'make legacy a `Source/AWS/CodeStarSourceConnection` action, or start it with an AWS::CodePipeline::Webhook resource instead of `Triggers`',
    });
  });

  it('compiles stage conditions next to triggers (test/definition/windows-conditions.test.ts has the rest)', async () => {
    const text = withTriggers('').replace(
      '        - Name: Build\n',
      '        - Name: Build\n          BeforeEntry:\n            Conditions: [{ Result: FAIL, Rules: [{ Name: window, RuleTypeId: { Category: Rule, Owner: AWS, Provider: DeploymentWindow, Version: 1 }, Configuration: { Cron: "0 0 9-17 ? * MON-FRI *" } }] }]\n',
    );
    const pipeline = await loadDefinition(await tempDefinition('template.yaml', text));
    expect(pipeline.stages[1]?.conditions?.beforeEntry).toMatchObject([
      { result: 'FAIL', rules: [{ kind: 'DeploymentWindow', name: 'window', cron: '0 0 9-17 ? * MON-FRI *', timezone: 'UTC' }] },
    ]);
  });

  it('refuses pipeline settings Meridian would not act on, each at its line', async () => {
    const text = withTriggers('      DisableInboundStageTransitions: [{ StageName: Build, Reason: frozen }]\n      RestartExecutionOnUpdate: true')
      .replace(
        'ArtifactStore: { Type: S3, Location: shop-artifacts }',
        'ArtifactStore: { Type: S3, Location: shop-artifacts, EncryptionKey: { Id: alias/shop, Type: KMS } }',
      )
      .replace('  Shop:\n    Type: AWS::CodePipeline::Pipeline\n', '  Shop:\n    Type: AWS::CodePipeline::Pipeline\n    Condition: IsProduction\n');
    const { at, problems } = await check(text);
    expect(at(4, 5)).toMatchObject({
      message:
        '`Condition` on Shop is not supported: Meridian does not evaluate CloudFormation conditions, so it cannot tell whether AWS::CodePipeline::Pipeline exists',
    });
    expect(at(7, 60)).toMatchObject({ message: '`EncryptionKey` is not supported by Meridian: its artifact stores are not encrypted with KMS keys' });
    expect(at(8, 7).message).toBe('`DisableInboundStageTransitions` is not supported by Meridian: it does not disable transitions from a definition');
    expect(at(8, 7).hint).toContain('manual approval action');
    expect(at(9, 33)).toMatchObject({
      message: '`RestartExecutionOnUpdate: true` is not supported by Meridian: a changed definition does not start an execution',
    });
    expect(problems).toHaveLength(4);
  });
});
