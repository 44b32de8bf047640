import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

/** A template whose Deploy stage gets the conditions written from line 17 on (18 with a mode). */
const template = (conditions: string, mode?: string): string => `Resources:
  Shop:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      PipelineType: V2
${mode === undefined ? '' : `      ExecutionMode: ${mode}\n`}      ArtifactStore: { Type: S3, Location: shop-artifacts }
      Stages:
        - Name: Source
          Actions:
            - Name: app
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: 1 }
              Configuration: { ConnectionArn: 'arn:aws:codestar-connections:eu-west-1:1:connection/1', FullRepositoryId: acme/shop, BranchName: main }
              OutputArtifacts: [{ Name: app }]
              Namespace: SourceVariables
        - Name: Deploy
          Actions: [{ Name: deploy, ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: 1 }, Commands: ["true"], InputArtifacts: [{ Name: app }] }]
${conditions}`;

const rule = (provider: string, configuration: string, extra = ''): string =>
  `{ Name: r-${provider}, RuleTypeId: { Category: Rule, Owner: AWS, Provider: ${provider}, Version: 1 }, Configuration: ${configuration}${extra} }`;

describe('CodePipeline stage conditions', () => {
  it('compiles BeforeEntry, OnSuccess and OnFailure with every supported rule and result', async () => {
    const file = await tempDefinition(
      'template.yaml',
      template(`          BeforeEntry:
            Conditions:
              - Result: WAIT
                Rules: [${rule('DeploymentWindow', '{ Cron: "0 0 1-4 ? * MON-FRI *", TimeZone: Europe/Dublin }')}]
              - Result: SKIP
                Rules: [${rule('VariableCheck', '{ Variable: "#{SourceVariables.BranchName}", Value: main, Operator: NE }')}]
              - Result: FAIL
                Rules: [${rule('Commands', '{}', ', Commands: ["test -f ok"]')}]
          OnSuccess:
            Conditions:
              - Result: FAIL
                Rules: [${rule('VariableCheck', '{ Variable: "#{SourceVariables.CommitMessage}", Value: "^revert", Operator: MATCHES }')}]
          OnFailure:
            Result: RETRY
            RetryConfiguration: { RetryMode: FAILED_ACTIONS }
`),
    );
    const pipeline = await loadDefinition(file);
    const conditions = pipeline.stages[1]?.conditions;
    expect(conditions?.beforeEntry.map((c) => [c.result, c.rules.map((r) => r.kind)])).toEqual([
      ['WAIT', ['DeploymentWindow']],
      ['SKIP', ['VariableCheck']],
      ['FAIL', ['Commands']],
    ]);
    expect(conditions?.beforeEntry[0]?.rules[0]).toMatchObject({ cron: '0 0 1-4 ? * MON-FRI *', timezone: 'Europe/Dublin' });
    expect(conditions?.beforeEntry[2]?.rules[0]).toMatchObject({ commands: ['test -f ok'], region: 'local' });
    expect(conditions?.onSuccess[0]?.rules[0]).toMatchObject({ kind: 'VariableCheck', operator: 'MATCHES', value: '^revert' });
    expect(conditions?.onFailure).toEqual([]);
    expect(conditions?.onFailureResult).toBe('RETRY');
    expect(conditions?.retryMode).toBe('FAILED_ACTIONS');
  });

  it('reads the camelCase conditions of get-pipeline JSON', async () => {
    const json = {
      pipeline: {
        name: 'shop',
        pipelineType: 'V2',
        artifactStore: { type: 'S3', location: 'b' },
        stages: [
          {
            name: 'Source',
            actions: [
              {
                name: 'app',
                actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' },
                configuration: { ConnectionArn: 'arn:aws:codestar-connections:eu-west-1:1:connection/1', FullRepositoryId: 'acme/shop', BranchName: 'main' },
                outputArtifacts: [{ name: 'app' }],
              },
            ],
          },
          {
            name: 'Deploy',
            beforeEntry: {
              conditions: [
                {
                  result: 'FAIL',
                  rules: [
                    {
                      name: 'w',
                      ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' },
                      configuration: { Cron: '0 0 9-17 ? * MON-FRI *' },
                    },
                  ],
                },
              ],
            },
            actions: [
              {
                name: 'deploy',
                actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
                commands: ['true'],
                inputArtifacts: [{ name: 'app' }],
              },
            ],
          },
        ],
      },
    };
    const pipeline = await loadDefinition(await tempDefinition('pipeline.json', JSON.stringify(json, null, 2)));
    expect(pipeline.stages[1]?.conditions?.beforeEntry[0]).toMatchObject({ result: 'FAIL', rules: [{ kind: 'DeploymentWindow', timezone: 'UTC' }] });
  });

  it('refuses CloudWatchAlarm and LambdaInvoke, results in the wrong place, a bad cron at its character, and an abbreviated zone', async () => {
    const file = await tempDefinition(
      'template.yaml',
      template(`          BeforeEntry:
            Conditions:
              - Result: ROLLBACK
                Rules: [${rule('CloudWatchAlarm', '{ AlarmName: high-errors }')}]
              - Result: SKIP
                Rules: [${rule('DeploymentWindow', '{ Cron: "0 0 25 ? * MON *", TimeZone: PST }')}]
          OnSuccess:
            Conditions:
              - Result: WAIT
                Rules: [${rule('LambdaInvoke', '{ FunctionName: check }')}]
`),
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 19, 25).message).toBe('a result under `BeforeEntry` `ROLLBACK` is not one of `FAIL`, `SKIP` or `WAIT`');
    expect(problemAt(problems, file, 20, 104).message).toContain('CloudWatchAlarm rules need AWS');
    expect(problemAt(problems, file, 20, 104).hint).toContain('Commands rule');
    expect(problemAt(problems, file, 21, 25).message).toContain('SKIP needs a VariableCheck rule');
    const cron = problems.find((p) => p.location.line === 22 && p.message.includes('25'));
    expect(cron?.location.col).toBe(165);
    expect(problems.find((p) => p.location.line === 22 && p.message.includes('PST'))?.hint).toContain('America/Los_Angeles');
    expect(problemAt(problems, file, 25, 25).message).toContain('`WAIT` is not one of `ROLLBACK` or `FAIL`');
    expect(problemAt(problems, file, 26, 101).message).toContain('LambdaInvoke rules need AWS');
  });

  it('compiles ROLLBACK results (OnSuccess condition, OnFailure result) in the default SUPERSEDED mode', async () => {
    const file = await tempDefinition('template.yaml', template(rollbacks));
    const conditions = (await loadDefinition(file)).stages[1]?.conditions;
    expect(conditions?.onSuccess.map((c) => c.result)).toEqual(['ROLLBACK']);
    expect(conditions?.onFailureResult).toBe('ROLLBACK');
  });

  it('refuses ROLLBACK in PARALLEL mode at its line, as CodePipeline does', async () => {
    const file = await tempDefinition('template.yaml', template(rollbacks, 'PARALLEL'));
    const problems = await problemsOf(file);
    const message = 'ROLLBACK is not available in PARALLEL mode: parallel executions have no last good run to go back along';
    expect(problemAt(problems, file, 20, 25).message).toBe(message);
    expect(problemAt(problems, file, 20, 25).hint).toContain('ExecutionMode: QUEUED');
    expect(problemAt(problems, file, 23, 21).message).toBe(message);
  });
});

const rollbacks = `          OnSuccess:
            Conditions:
              - Result: ROLLBACK
                Rules: [${rule('VariableCheck', '{ Variable: "#{SourceVariables.BranchName}", Value: main, Operator: EQ }')}]
          OnFailure:
            Result: ROLLBACK
`;
