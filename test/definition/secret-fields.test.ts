/**
 * The list of secret fields (src/domain/secret-fields.ts) and the one redaction of a
 * definition (src/lib/redact-pipeline.ts), over definitions compiled from real files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { importPipeline } from '../../src/definition/convert/import-pipeline.js';
import { firstDifference } from '../../src/definition/convert/model-equality.js';
import { toCodePipeline } from '../../src/definition/convert/to-codepipeline.js';
import { compileDefinition, loadDefinition } from '../../src/definition/load-definition.js';
import { SECRET_CONFIGURATION_KEYS, SECRET_MARKER, SECRET_RESOURCE_PROPERTIES, secretValuesOf } from '../../src/domain/secret-fields.js';
import { redactPipeline } from '../../src/lib/redact-pipeline.js';
import { CODEBUILD_STAGE_START, githubPipelineStart, hmacAuthentication, webhookResource } from '../helpers/codepipeline-template.js';
import { problemsOf, tempDefinition } from './helpers.js';

const TEMPLATE = `Parameters:
  HookDefault: { Type: String, Default: hook-secret-from-a-default }
  ApiKey: { Type: String, NoEcho: true, Default: api-key-no-echo-9999 }
  Region: { Type: String, Default: eu-west-1 }
${githubPipelineStart('Web', '!ImportValue WebToken')}
            - Name: schemas
              ActionTypeId: { Category: Source, Owner: ThirdParty, Provider: GitHub, Version: 1 }
              Configuration: { Owner: acme, Repo: schemas, Branch: main, OAuthToken: '{{resolve:secretsmanager:github:SecretString:token}}', PollForSourceChanges: false }
              OutputArtifacts: [{ Name: schemas }]
${CODEBUILD_STAGE_START}
            - Name: call
              ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: 1 }
              Commands: [echo called]
              EnvironmentVariables: [{ Name: API_KEY, Value: !Ref ApiKey }, { Name: REGION, Value: !Ref Region }]
              InputArtifacts: [{ Name: code }]
  Project:
    Type: AWS::CodeBuild::Project
    Properties:
      Name: web-build
      Source: { Type: CODEPIPELINE, Auth: { Type: OAUTH, Resource: codebuild-source-token-1234 } }
      Environment: { Type: LINUX_CONTAINER, Image: aws/codebuild/standard:7.0, ComputeType: BUILD_GENERAL1_SMALL, EnvironmentVariables: [{ Name: HINT, Value: 'the token is github-oauth-token-5678' }] }
${webhookResource('Hook', 'Web', hmacAuthentication('!Ref HookDefault'))}
`;

describe('secret fields of a definition', () => {
  it('finds the secrets written as text, and redacts them wherever they are written; references stay', async () => {
    const file = await tempDefinition('template.yaml', TEMPLATE);
    const pipeline = await loadDefinition(file, { exports: { WebToken: 'github-oauth-token-5678' } });
    expect(secretValuesOf(pipeline).sort()).toEqual([
      'api-key-no-echo-9999',
      'codebuild-source-token-1234',
      'github-oauth-token-5678',
      'hook-secret-from-a-default',
    ]);

    const redacted = redactPipeline(pipeline);
    const text = JSON.stringify(redacted);
    for (const secret of secretValuesOf(pipeline)) expect(text).not.toContain(secret);
    expect(redacted.stages[0]?.actions.map((a) => a.configuration.OAuthToken)).toEqual([SECRET_MARKER, '{{resolve:secretsmanager:github:SecretString:token}}']);
    expect(redacted.webhooks[0]?.secret).toEqual({ kind: 'plain', value: SECRET_MARKER });
    // HookDefault is not NoEcho, but its Default is the webhook's secret.
    expect(redacted.parameters.map((p) => [p.name, p.default]).sort()).toEqual([
      ['ApiKey', SECRET_MARKER],
      ['HookDefault', SECRET_MARKER],
      ['Region', 'eu-west-1'],
    ]);
    expect(redacted.resources.Project?.properties).toMatchObject({
      Source: { Auth: { Type: 'OAUTH', Resource: SECRET_MARKER } },
      // The same token written again elsewhere is masked there too.
      Environment: { EnvironmentVariables: [{ Name: 'HINT', Value: `the token is ${SECRET_MARKER}` }] },
    });
    // The compiled pipeline the engine runs keeps its values.
    expect(pipeline.webhooks[0]?.secret).toEqual({ kind: 'plain', value: 'hook-secret-from-a-default' });
    expect(secretValuesOf(redacted)).toEqual([]);
  });

  it('refuses a webhook secret of only `*`: it is what a redacted secret shows', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: copied
sources:
  app: { git: https://github.com/acme/app.git, branch: main, webhook: { secret: '****' } }
stages:
  - name: Build
    actions:
      - { name: build, uses: commands, inputs: [app], commands: ['true'] }
`,
    );
    const problems = await problemsOf(file);
    expect(problems.map((p) => p.message)).toContain('a webhook secret of only `*` is what Meridian shows for a redacted secret, not a secret');
  });

  it('are all listed in docs/security.md', () => {
    const docs = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('## Which configuration fields are secret'));
    for (const key of SECRET_CONFIGURATION_KEYS) expect(section).toContain(`\`${key}\``);
    expect(section).toContain('`NoEcho: true`');
    for (const [type, paths] of Object.entries(SECRET_RESOURCE_PROPERTIES)) {
      expect(section).toContain(type);
      for (const path of paths) expect(section).toContain(path.join('.').replaceAll('.*', '[]'));
    }
  });

  it('keeps NoEcho through import and export', async () => {
    const file = await tempDefinition('template.yaml', TEMPLATE);
    const original = await loadDefinition(file, { exports: { WebToken: 'github-oauth-token-5678' } });
    expect(original.parameters.find((p) => p.name === 'ApiKey')).toMatchObject({ noEcho: true });
    const output = path.join(path.dirname(file), 'imported.meridian.yaml');
    const native = importPipeline(original, { text: TEMPLATE, file, outputFile: output });
    expect(native.text).toContain('noEcho: true');
    const compiled = compileDefinition(native.text, output, {});
    expect(firstDifference(compiled, original)).toBeUndefined();
    const template = toCodePipeline(compiled, { regionValues: {} }, 'imported.meridian.yaml');
    expect(template.text).toContain('ApiKey: { Type: String, Default: api-key-no-echo-9999, NoEcho: true }');
  });
});
