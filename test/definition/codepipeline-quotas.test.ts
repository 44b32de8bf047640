import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

const LONG_KEY = 'K'.repeat(51);
const LONG_VALUE = 'v'.repeat(1001);
const OVERRIDES = JSON.stringify({ Big: 'é'.repeat(510) }); // 520 characters but 1030 bytes

/** A template whose Deploy stage holds `actions` (YAML lines, indented for the Actions list). */
function template(actions: string[], extra = ''): string {
  return [
    'Resources:',
    '  Orders:',
    '    Type: AWS::CodePipeline::Pipeline',
    '    Properties:',
    '      ArtifactStore: { Type: S3, Location: orders-artifacts }',
    '      Stages:',
    '        - Name: Source',
    '          Actions:',
    '            - Name: src',
    '              ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: 1 }',
    '              Configuration: { S3Bucket: orders-source, S3ObjectKey: src.zip }',
    '              OutputArtifacts: [{ Name: src }]',
    '        - Name: Deploy',
    ...(extra ? [extra] : []),
    '          Actions:',
    ...actions,
    '',
  ].join('\n');
}

const APPROVAL = 'ActionTypeId: { Category: Approval, Owner: AWS, Provider: Manual, Version: 1 }';

describe("CodePipeline's quotas, refused at their line", () => {
  it('configuration keys of 1–50 characters, values of 1–1000, ParameterOverrides of at most 1 KB', async () => {
    const file = await tempDefinition(
      'quotas.template.yaml',
      template([
        '            - Name: approve', // 15
        `              ${APPROVAL}`,
        '              Configuration:',
        `                ${LONG_KEY}: x`, // 18
        `                CustomData: ${LONG_VALUE}`, // 19
        '                ExternalEntityLink: ""', // 20
        '            - Name: stack',
        '              ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: 1 }',
        '              InputArtifacts: [{ Name: src }]',
        '              Configuration:',
        '                ActionMode: CREATE_UPDATE',
        '                StackName: orders',
        '                TemplatePath: src::app.yaml',
        `                ParameterOverrides: '${OVERRIDES}'`, // 28
      ]),
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 18, 70).message).toBe(`configuration key \`${LONG_KEY}\` has 51 characters; CodePipeline takes 1 to 50`);
    expect(problemAt(problems, file, 19, 29)).toMatchObject({
      message: 'configuration `CustomData` has 1001 characters; CodePipeline takes a value of 1 to 1000',
      hint: 'move long text into a file of an input artifact and name the file here',
    });
    expect(problemAt(problems, file, 20, 37)).toMatchObject({
      message: 'configuration `ExternalEntityLink` has 0 characters; CodePipeline takes a value of 1 to 1000',
      hint: 'give it a value or remove the key',
    });
    expect(problemAt(problems, file, 28, 37).message).toBe('ParameterOverrides is 1030 bytes; CodePipeline takes at most 1 KB (1024 bytes) of JSON');
  });

  it('TimeoutInMinutes only on the Manual approval, from 5 to 86400', async () => {
    const file = await tempDefinition(
      'timeouts.template.yaml',
      template([
        '            - Name: early',
        `              ${APPROVAL}`,
        '              TimeoutInMinutes: 4', // 17
        '            - Name: late',
        `              ${APPROVAL}`,
        '              TimeoutInMinutes: 86401', // 20
        '            - Name: fine',
        `              ${APPROVAL}`,
        '              TimeoutInMinutes: 5',
        '            - Name: stack',
        '              ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CloudFormation, Version: 1 }',
        '              InputArtifacts: [{ Name: src }]',
        '              Configuration: { ActionMode: CREATE_UPDATE, StackName: orders, TemplatePath: src::app.yaml }',
        '              TimeoutInMinutes: 60', // 28
      ]),
    );
    const problems = await problemsOf(file);
    const range = "a Manual approval's TimeoutInMinutes is a whole number from 5 to 86400 (60 days)";
    expect(problemAt(problems, file, 17, 33).message).toBe(`timeout 4 is not valid: ${range}`);
    expect(problemAt(problems, file, 20, 33).message).toBe(`timeout 86401 is not valid: ${range}`);
    expect(problemAt(problems, file, 28, 33).message).toBe(
      'TimeoutInMinutes only applies to the Manual approval action (Approval/AWS/Manual); stack is Deploy/AWS/CloudFormation',
    );
    expect(problems.filter((p) => p.location.line === 23)).toEqual([]);
  });

  it('at most 50 actions in a stage, refused at the 51st', async () => {
    const actions = Array.from({ length: 51 }, (_, i) => [`            - Name: approve-${i}`, `              ${APPROVAL}`]).flat();
    const file = await tempDefinition('wide.template.yaml', template(actions));
    const problems = await problemsOf(file);
    // The 51st action starts at line 15 + 50 * 2.
    expect(problemAt(problems, file, 115, 15)).toMatchObject({
      message: 'a stage has at most 50 actions; stage Deploy has 51',
      hint: 'move actions into another stage',
    });
  });

  it('OnFailure holds one condition', async () => {
    const rule =
      '{ Name: check, RuleTypeId: { Category: Rule, Owner: AWS, Provider: VariableCheck, Version: 1 }, Configuration: { Variable: "#{variables.Env}", Value: prod, Operator: EQ } }';
    const file = await tempDefinition(
      'on-failure.template.yaml',
      template(
        [`            - Name: approve`, `              ${APPROVAL}`],
        [
          '          OnFailure:',
          '            Result: ROLLBACK',
          '            Conditions:',
          `              - Result: ROLLBACK`,
          `                Rules: [${rule}]`,
          `              - Result: ROLLBACK`, // 19
          `                Rules: [${rule}]`,
        ].join('\n'),
      ).replace('    Properties:\n', '    Properties:\n      PipelineType: V2\n      Variables: [{ Name: Env, DefaultValue: prod }]\n'),
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 21, 17)).toMatchObject({
      message: '`OnFailure` holds one condition; stage Deploy has 2',
      hint: 'put all the rules in one condition (up to 5)',
    });
  });

  it('the same refusals in get-pipeline JSON', async () => {
    const json = `{
  "pipeline": {
    "name": "json-quotas",
    "artifactStore": { "type": "S3", "location": "orders-artifacts" },
    "stages": [
      { "name": "Source", "actions": [
        { "name": "src", "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
          "configuration": { "S3Bucket": "orders-source", "S3ObjectKey": "src.zip" },
          "outputArtifacts": [{ "name": "src" }] } ] },
      { "name": "Deploy", "actions": [
        { "name": "approve", "actionTypeId": { "category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1" },
          "timeoutInMinutes": 1,
          "configuration": { "CustomData": "${LONG_VALUE}" } } ] }
    ]
  }
}
`;
    const file = await tempDefinition('quotas.get-pipeline.json', json);
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 12, 31).message).toBe(
      "timeout 1 is not valid: a Manual approval's TimeoutInMinutes is a whole number from 5 to 86400 (60 days)",
    );
    expect(problemAt(problems, file, 13, 44).message).toBe('configuration `CustomData` has 1001 characters; CodePipeline takes a value of 1 to 1000');
  });

  it("a native with: is Meridian's own: a hook longer than 1000 characters is fine there", async () => {
    const hook = `echo ${'x'.repeat(1100)}`;
    const file = await tempDefinition(
      'long.meridian.yaml',
      [
        'pipeline: long-values',
        'regions: { eu-west-1: {} }',
        'sources:',
        '  src: { git: . }',
        'stages:',
        '  - name: Deploy',
        '    actions:',
        '      - name: release',
        '        uses: release',
        '        inputs: [src]',
        `        with: { target: deploy/eu, hooks: { activate: '${hook}' } }`,
        '',
      ].join('\n'),
    );
    const release = (await loadDefinition(file)).stages.at(-1)!.actions[0]!;
    expect(release.configuration.hooks).toEqual({ activate: hook });
  });
});
