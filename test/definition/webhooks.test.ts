import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { CODEBUILD_STAGE_START, githubPipelineStart, hmacAuthentication, webhookResource } from '../helpers/codepipeline-template.js';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

/** A GitHub (v1) pipeline `web` (logical id Web); `webhooks` are resources written from line 27 on. */
const template = (webhooks: string): string => `Parameters:
  HookParameter: { Type: 'AWS::SSM::Parameter::Value<String>', Default: /web/hook }
  HookDefault: { Type: String, Default: from-default }
  HookNoDefault: { Type: String }
${githubPipelineStart('Web', 't')}
${CODEBUILD_STAGE_START}
  Project:
    Type: AWS::CodeBuild::Project
    Properties: { Name: web-build, Source: { Type: CODEPIPELINE } }
${webhooks}
`;

/** One webhook resource of Web with the given authentication lines (indented under Properties). */
const hook = (id: string, lines: string, target = 'checkout'): string => webhookResource(id, 'Web', lines, target);

const hmac = hmacAuthentication;

async function check(text: string) {
  const file = await tempDefinition('template.yaml', text);
  const problems = await problemsOf(file, { exports: { HookExport: 'from-export' } });
  return { file, problems, at: (line: number, col: number) => problemAt(problems, file, line, col) };
}

describe('AWS::CodePipeline::Webhook resources', () => {
  it('reads every form of SecretToken, and IP and UNAUTHENTICATED webhooks', async () => {
    const hooks = [
      hook('Plain', hmac('plain-secret')),
      hook('Ssm', hmac("'{{resolve:ssm:/web/hook-secret}}'")),
      hook('SsmSecure', hmac("'{{resolve:ssm-secure:/web/secure}}'")),
      hook('Secret', hmac("'{{resolve:secretsmanager:web-hooks:SecretString:token}}'")),
      hook('SecretArn', hmac("'{{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:111122223333:secret:web-AbCdEf:SecretString:token::}}'")),
      hook('RefSsm', hmac('!Ref HookParameter')),
      hook('RefDefault', hmac('!Ref HookDefault')),
      hook('Imported', hmac('!ImportValue HookExport')),
      hook('Office', '      Authentication: IP\n      AuthenticationConfiguration: { AllowedIPRange: 192.0.2.0/24 }'),
      hook('Anyone', '      Authentication: UNAUTHENTICATED'),
    ];
    const file = await tempDefinition('template.yaml', template(hooks.join('\n')));
    const pipeline = await loadDefinition(file, { exports: { HookExport: 'from-export' } });
    expect(pipeline.webhooks.map((w) => [w.name, w.authentication, w.secret ?? w.allowedIpRange ?? null])).toEqual([
      ['Plain', 'GITHUB_HMAC', { kind: 'plain', value: 'plain-secret' }],
      ['Ssm', 'GITHUB_HMAC', { kind: 'parameter', name: '/web/hook-secret' }],
      ['SsmSecure', 'GITHUB_HMAC', { kind: 'parameter', name: '/web/secure' }],
      ['Secret', 'GITHUB_HMAC', { kind: 'secret', reference: 'web-hooks:token' }],
      ['SecretArn', 'GITHUB_HMAC', { kind: 'secret', reference: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:web-AbCdEf:token' }],
      ['RefSsm', 'GITHUB_HMAC', { kind: 'parameter', name: '/web/hook' }],
      ['RefDefault', 'GITHUB_HMAC', { kind: 'plain', value: 'from-default' }],
      ['Imported', 'GITHUB_HMAC', { kind: 'plain', value: 'from-export' }],
      ['Office', 'IP', '192.0.2.0/24'],
      ['Anyone', 'UNAUTHENTICATED', null],
    ]);
    expect(pipeline.webhooks[0]).toEqual({
      name: 'Plain',
      authentication: 'GITHUB_HMAC',
      secret: { kind: 'plain', value: 'plain-secret' },
      filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }],
      targetAction: 'checkout',
      location: { file, line: 27, col: 3 },
    });
    // Compiled into `webhooks`, they are not kept among the resources providers read.
    expect(Object.keys(pipeline.resources)).toEqual(['Project']);
  });

  it('refuses secret forms Meridian cannot read, each at its SecretToken', async () => {
    const { at, problems } = await check(
      template(
        [
          hook('Pinned', hmac("'{{resolve:ssm:/web/hook:3}}'")),
          hook('Binary', hmac("'{{resolve:secretsmanager:web-hooks:SecretBinary}}'")),
          hook('Mixed', hmac("'x-{{resolve:ssm:/web/hook}}'")),
          hook('NoDefault', hmac('!Ref HookNoDefault')),
          hook('Long', hmac('x'.repeat(101))),
        ].join('\n'),
      ),
    );
    expect(at(31, 51)).toMatchObject({
      message: '`{{resolve:ssm:/web/hook:3}}` pins version 3: Meridian reads the current value of a parameter',
      hint: 'write `{{resolve:ssm:/web/hook}}`',
    });
    expect(at(40, 51)).toMatchObject({
      message: "`SecretBinary` in `{{resolve:secretsmanager:web-hooks:SecretBinary}}` is not supported: Meridian reads a secret's SecretString",
      hint: 'write `{{resolve:secretsmanager:web-hooks:SecretString}}`',
    });
    expect(at(49, 51).message).toBe('a `SecretToken` with a dynamic reference must be only that reference');
    expect(at(58, 51).message).toBe('`SecretToken` refers to parameter HookNoDefault, which has no Default, so Meridian cannot know the secret');
    expect(at(67, 51)).toMatchObject({ message: 'a webhook secret has 1 to 100 characters (this one has 101)' });
    expect(problems).toHaveLength(5);
  });

  it('checks the authentication rules of each type', async () => {
    const { at, problems } = await check(
      template(
        [
          hook('Both', '      Authentication: GITHUB_HMAC\n      AuthenticationConfiguration: { SecretToken: s, AllowedIPRange: 192.0.2.0/24 }'),
          hook('NoToken', '      Authentication: GITHUB_HMAC'),
          hook('NoRange', '      Authentication: IP'),
          hook('BadRange', '      Authentication: IP\n      AuthenticationConfiguration: { AllowedIPRange: 192.0.2.0/33 }'),
          hook('Open', '      Authentication: UNAUTHENTICATED\n      AuthenticationConfiguration: { SecretToken: s }'),
          hook('Typo', '      Authentication: GITHUB_HMAK'),
        ].join('\n'),
      ),
    );
    expect(at(31, 54)).toMatchObject({ message: '`AllowedIPRange` only applies to `Authentication: IP`' });
    expect(at(38, 5)).toMatchObject({ message: 'webhook NoToken uses GITHUB_HMAC but has no `SecretToken`' });
    expect(at(46, 5)).toMatchObject({
      message: 'webhook NoRange uses IP but has no `AllowedIPRange`',
      hint: 'add `AuthenticationConfiguration: { AllowedIPRange: 192.0.2.0/24 }`',
    });
    expect(at(56, 54)).toMatchObject({ message: '`192.0.2.0/33` is not an IP range in CIDR notation' });
    expect(at(65, 38)).toMatchObject({ message: '`SecretToken` does not apply to `Authentication: UNAUTHENTICATED`' });
    expect(at(73, 23)).toMatchObject({
      message: '`Authentication` `GITHUB_HMAK` is not one of `GITHUB_HMAC`, `IP` or `UNAUTHENTICATED`',
      hint: 'did you mean `GITHUB_HMAC`?',
    });
    expect(problems).toHaveLength(6);
  });

  it('checks filters, the target action and the target pipeline', async () => {
    const six = Array.from({ length: 6 }, (_, k) => `{ JsonPath: $.f${k} }`).join(', ');
    const { at, problems } = await check(
      template(
        [
          hook('Late', hmac('s'), 'build'),
          hook('Unknown', hmac('s'), 'chekout'),
          `  Many:
    Type: AWS::CodePipeline::Webhook
    Properties:
      Authentication: UNAUTHENTICATED
      Filters: [${six}]
      TargetPipeline: !Ref Web
      TargetAction: checkout
      TargetPipelineVersion: 1
  Placeholders:
    Type: AWS::CodePipeline::Webhook
    Properties:
      Authentication: UNAUTHENTICATED
      Filters: [{ JsonPath: ref, MatchEquals: 'refs/heads/{Brnach}' }]
      TargetPipeline: !Ref Web
      TargetAction: checkout
  ToProject:
    Type: AWS::CodePipeline::Webhook
    Properties:
      Authentication: UNAUTHENTICATED
      Filters: []
      TargetPipeline: !Ref Project
      TargetAction: checkout
      TargetPipelineVersion: 1
  ByName:
    Type: AWS::CodePipeline::Webhook
    Properties:
      Authentication: UNAUTHENTICATED
      Filters: []
      TargetPipeline: webb
      TargetAction: checkout
      TargetPipelineVersion: 1`,
        ].join('\n'),
      ),
    );
    expect(at(34, 21)).toMatchObject({
      message: '`TargetAction` build is not a source action of the first stage (it is in stage Build)',
      hint: 'name a source action of the first stage: `checkout`',
    });
    expect(at(43, 21)).toMatchObject({ message: '`TargetAction` chekout is not an action of this pipeline', hint: 'did you mean `checkout`?' });
    expect(at(49, 117)).toMatchObject({ message: 'a webhook takes at most 5 filters; this one has 6' });
    expect(at(57, 29)).toMatchObject({ message: 'JsonPath `ref` is not valid: a JSONPath starts with `$` and has 1 to 150 characters', hint: 'e.g. `$.ref`' });
    expect(at(57, 47)).toMatchObject({ message: '`{Brnach}` in MatchEquals names no configuration key of action checkout', hint: 'did you mean `Branch`?' });
    expect(at(55, 5)).toMatchObject({
      message: 'webhook Placeholders needs `TargetPipelineVersion`',
      hint: 'add `TargetPipelineVersion: !GetAtt Web.Version`',
    });
    expect(at(65, 23)).toMatchObject({
      message: '`TargetPipeline` of webhook ToProject refers to resource Project (AWS::CodeBuild::Project), not to an AWS::CodePipeline::Pipeline',
      hint: 'write `TargetPipeline: !Ref Web`',
    });
    expect(at(73, 23)).toMatchObject({
      message: 'webhook ByName targets pipeline webb, which is not in this template',
      hint: 'write `TargetPipeline: !Ref Web`',
    });
    expect(problems).toHaveLength(8);
  });

  it('keeps the webhooks of another pipeline of the template out', async () => {
    const second = `  Other:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: other
      ArtifactStore: { Type: S3, Location: other-artifacts }
      Stages:
        - Name: Source
          Actions:
            - Name: src
              ActionTypeId: { Category: Source, Owner: ThirdParty, Provider: GitHub, Version: 1 }
              Configuration: { Owner: acme, Repo: other, Branch: main, OAuthToken: t }
              OutputArtifacts: [{ Name: src }]
        - Name: Build
          Actions:
            - Name: build
              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: 1 }
              InputArtifacts: [{ Name: src }]
  OtherHook:
    Type: AWS::CodePipeline::Webhook
    Properties:
      Authentication: UNAUTHENTICATED
      Filters: [{ JsonPath: $.ref, MatchEquals: 'refs/heads/{Branch}' }]
      TargetPipeline: !Ref Other
      TargetAction: src
      TargetPipelineVersion: !GetAtt Other.Version`;
    const file = await tempDefinition('template.yaml', template([hook('WebHook', hmac('s')), second].join('\n')));
    const web = await loadDefinition(file, { pipelineName: 'web' });
    expect(web.webhooks.map((w) => [w.name, w.targetAction])).toEqual([['WebHook', 'checkout']]);
    const other = await loadDefinition(file, { pipelineName: 'other' });
    expect(other.webhooks.map((w) => [w.name, w.targetAction])).toEqual([['OtherHook', 'src']]);
  });
});
