import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importPipeline } from '../../src/definition/convert/import-pipeline.js';
import { firstDifference } from '../../src/definition/convert/model-equality.js';
import { nativeExtras, toCodePipeline } from '../../src/definition/convert/to-codepipeline.js';
import { compileDefinition, loadDefinition, type LoadOptions } from '../../src/definition/load-definition.js';
import { parseYaml } from '../../src/lib/yaml/parse-yaml.js';
import type { Pipeline } from '../../src/domain/pipeline.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/builtin.js';
import { fixture, problemAt, problemsOf, tempDefinition } from './helpers.js';

const SEED_SHAPE = fileURLToPath(new URL('../../examples/orders/orders.template.yaml', import.meta.url));
const SEED_EXPORTS = {
  OrdersBuildRole: 'arn:aws:iam::111122223333:role/orders-build',
  OrdersPipelineRole: 'arn:aws:iam::111122223333:role/orders-pipeline',
  OrdersDeployRole: 'arn:aws:iam::111122223333:role/orders-deploy',
};
const KNOWN = BUILTIN_PROVIDERS.flatMap((provider) => [...provider.types]);

/** Imports `file` and returns the native text, checking that it compiles to the original model. */
async function imported(file: string, options: LoadOptions = {}): Promise<{ text: string; original: Pipeline; native: Pipeline }> {
  const original = await loadDefinition(file, { knownActionTypes: KNOWN, ...options });
  const output = path.join(path.dirname(file), 'imported.meridian.yaml');
  const result = importPipeline(original, { text: await readFile(file, 'utf8'), file, outputFile: output });
  const native = compileDefinition(result.text, output, { knownActionTypes: KNOWN });
  expect(firstDifference(native, original)).toBeUndefined();
  return { text: result.text, original, native };
}

/** Exports a native file and compiles the template it gives. */
async function exported(file: string): Promise<{ template: string; original: Pipeline; compiled: Pipeline; notes: string[] }> {
  const original = await loadDefinition(file);
  const text = await readFile(file, 'utf8');
  const result = toCodePipeline(original, nativeExtras(parseYaml(text, file).doc.toJS()), path.basename(file));
  const templateFile = await tempDefinition('exported.template.yaml', result.text);
  return { template: templateFile, original, compiled: await loadDefinition(templateFile), notes: result.notes };
}

describe('meridian import', () => {
  it("collapses the seed-shaped template's nine deploy actions into three forEach entries, keeping every setting", async () => {
    const { text, native } = await imported(SEED_SHAPE, { exports: SEED_EXPORTS });
    expect(native.stages[2]!.actions).toHaveLength(9);
    // Action names use their own region codes: they become a region value.
    expect(text).toContain('eu-west-1: { bucket: "#{parameters.EuArtifacts}", values: { code: eu } }');
    expect(text).toContain('ap-southeast-2: { bucket: "#{parameters.ApArtifacts}", values: { code: ap } }');
    expect(text).toContain('forEach: region');
    expect(text).toContain('- name: ${region.code}-base');
    expect(text).toContain('template: bundle::${region.code}.app.yaml');
    expect(text.match(/uses: cloudformation/g)).toHaveLength(3);
    // The webhook and the CodeBuild project move with it; what has no meaning here is listed.
    expect(text).toContain('webhook: { name: OrdersWebhook, secret: { secret: orders-webhook:token } }');
    expect(text).toContain('OrdersBuild:\n    Type: AWS::CodeBuild::Project');
    expect(text).toContain('RoleArn !ImportValue OrdersPipelineRole (Meridian acts with the credentials of the machine it runs on)');
    expect(text).toContain('webhook OrdersWebhook: RegisterWithThirdParty');
  });

  it('exports the imported seed-shaped pipeline as a template that compiles to the original', async () => {
    const { text, original } = await imported(SEED_SHAPE, { exports: SEED_EXPORTS });
    const native = await tempDefinition('meridian.yaml', text);
    const { compiled, notes } = await exported(native);
    expect(firstDifference(compiled, original)).toBeUndefined();
    expect(notes).toEqual([]);
  });

  it('keeps every supported action type, triggers, polls, variables and the execution mode', async () => {
    const { text, original } = await imported(fixture('convert/every-type.template.yaml'));
    expect(original.stages.flatMap((s) => s.actions.map((a) => `${a.type.category}/${a.type.owner}/${a.type.provider}`))).toEqual([
      'Source/AWS/CodeStarSourceConnection',
      'Source/ThirdParty/GitHub',
      'Source/AWS/CodeCommit',
      'Build/AWS/CodeBuild',
      'Test/AWS/CodeBuild',
      'Compute/AWS/Commands',
      'Approval/AWS/Manual',
      'Deploy/AWS/CloudFormation',
    ]);
    expect(original.triggers).toHaveLength(1);
    expect(original.polls).toEqual([{ sourceActionName: 'lib', intervalSeconds: 60 }]);
    expect(text).toContain('executionMode: PARALLEL');
    expect(text).toContain('on:\n          - { branches: { includes: [ main ], excludes: [ wip/* ] } }');
    expect(text).toContain('PollForSourceChanges: "true"');
  });

  it('imports get-pipeline JSON', async () => {
    const { text } = await imported(fixture('three-regions.get-pipeline.json'));
    // get-pipeline lists the stores in name order, the actions go eu, us, ap: the forEach names them.
    expect(text).toContain('forEach: [ eu-west-1, us-east-1, ap-southeast-2 ]');
    expect(text).toContain('- name: ${region}-stack');
  });

  it('reports the problems of the original file, at their lines, instead of importing it', async () => {
    const file = fixture('lost-parameter-name.template.yaml');
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 4, 3).hint).toContain('the parameter name seems to be missing');
  });
});

describe('meridian export', () => {
  it("writes the seed's template shape for a pipeline CodePipeline can hold, and import gives the same model back", async () => {
    const { template, original, compiled } = await exported(fixture('convert/codepipeline-terms.meridian.yaml'));
    expect(firstDifference(compiled, original)).toBeUndefined();
    const text = await readFile(template, 'utf8');
    expect(text).toContain('PipelineType: V2');
    expect(text).toContain('ExecutionMode: QUEUED');
    expect(text).toContain('Location: !Ref EuArtifacts');
    expect(text).toContain('Type: AWS::SSM::Parameter::Value<String>');
    expect(text).toContain('Type: AWS::CodePipeline::Webhook');
    expect(text).toContain('TargetPipelineVersion: !GetAtt Pipeline.Version');
    expect(text).toContain('SecretToken: "{{resolve:ssm:/payments/webhook-secret}}"');
    expect(text).toContain('ProviderType: CodeStarSourceConnection');
    expect(text).toContain('eu-central-1: { TimeZone: Europe/Berlin, Values: { code: eu } }');

    // Export, then import: the same model as the native file.
    const back = await imported(template);
    expect(firstDifference(back.native, original)).toBeUndefined();
    expect(back.text).toContain('values: { code: eu }');
  });

  it('turns Meridian-only settings into their nearest CodePipeline form and says what changes', async () => {
    const file = fileURLToPath(new URL('../../examples/service-x/meridian.yaml', import.meta.url));
    const { template, notes, compiled } = await exported(file);
    // Time zones come back through Metadata.Meridian; the stores become SSM-named buckets.
    expect(compiled.regions.map((r) => [r.name, r.timezone, r.store])).toEqual([
      ['eu-west-1', 'Europe/Dublin', { kind: 's3', location: '#{parameters.ArtifactBucketEuWest1}' }],
      ['us-east-1', 'America/New_York', { kind: 's3', location: '#{parameters.ArtifactBucketUsEast1}' }],
      ['ap-southeast-2', 'Australia/Sydney', { kind: 's3', location: '#{parameters.ArtifactBucketApSoutheast2}' }],
    ]);
    expect(notes.some((note) => note.startsWith('region eu-west-1: Meridian kept its artifacts in stores/eu-west-1'))).toBe(true);
    expect(notes.some((note) => note.includes('Deploy/Meridian/Release') && note.includes('written as CodeDeploy actions'))).toBe(true);
    const problems = await problemsOf(template, { knownActionTypes: KNOWN });
    expect(problems.every((p) => p.message === 'Deploy/AWS/CodeDeploy is not supported by Meridian: no CodeDeploy agent here')).toBe(true);
    expect(problems[0]!.hint).toContain('native `uses: release`');
  });

  it('exports a git source started by a webhook as the seed does: a GitHub action and an AWS::CodePipeline::Webhook', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: shop
regions:
  eu-west-1: { timezone: Europe/Dublin }
sources:
  src: { git: https://github.com/acme/shop.git, branch: main, webhook: { secret: { parameter: /shop/hook } }, poll: 60s }
stages:
  - name: Build
    actions:
      - { name: build, uses: codebuild, inputs: [src], with: { buildspec: ci/buildspec.yml } }
`,
    );
    const { template, compiled, notes } = await exported(file);
    const text = await readFile(template, 'utf8');
    expect(text).toContain('Provider: GitHub');
    expect(text).toContain('PollForSourceChanges: "true"');
    expect(text).toContain('- { JsonPath: $.ref, MatchEquals: "refs/heads/{Branch}" }');
    expect(text).toContain('BuildSpec: ci/buildspec.yml');
    expect(compiled.webhooks).toMatchObject([{ authentication: 'GITHUB_HMAC', secret: { kind: 'parameter', name: '/shop/hook' }, targetAction: 'src' }]);
    expect(compiled.polls).toEqual([{ sourceActionName: 'src', intervalSeconds: 60 }]);
    expect(compiled.regions).toMatchObject([{ name: 'eu-west-1', timezone: 'Europe/Dublin' }]);
    expect(compiled.resources.BuildProject).toMatchObject({
      type: 'AWS::CodeBuild::Project',
      properties: { Name: 'shop-build', Source: { BuildSpec: 'ci/buildspec.yml' } },
    });
    expect(notes.some((note) => note.startsWith('source src is a GitHub (version 1) action started by its webhook'))).toBe(true);
  });

  it('keeps windows and rollout in Metadata.Meridian, and import puts them back', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: nightly
regions:
  eu-west-1: { timezone: Europe/Dublin, bucket: eu-artifacts }
  us-east-1: { timezone: America/New_York, bucket: us-artifacts }
windows: { policy: disruptive-only, allow: "Mon-Fri 01:00-05:00" }
rollout: { waves: [[eu-west-1], [us-east-1]], bake: 30m }
stages:
  - name: Source
    actions:
      - { name: src, uses: Source/AWS/CodeStarSourceConnection, outputs: [src], with: { ConnectionArn: arn, FullRepositoryId: acme/app, BranchName: main } }
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}", uses: commands, inputs: [src], commands: ["./deploy.sh \${region}"] }
`,
    );
    const { template, original, notes } = await exported(file);
    const text = await readFile(template, 'utf8');
    expect(text).toContain('Windows: { policy: disruptive-only, allow: Mon-Fri 01:00-05:00 }');
    expect(notes.some((note) => note.includes('DeploymentWindow'))).toBe(true);
    const back = await imported(template);
    expect(firstDifference(back.native, original)).toBeUndefined();
    expect(back.text).toContain('windows: { policy: disruptive-only, allow: Mon-Fri 01:00-05:00 }');
    expect(back.text).toContain('rollout:');
  });

  it('keeps agent labels (runsOn) in Metadata.Meridian.RunsOn, and import puts them back', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: labelled
regions:
  eu-west-1: { timezone: Europe/Dublin, bucket: eu-artifacts }
  us-east-1: { timezone: America/New_York, bucket: us-artifacts }
stages:
  - name: Source
    actions:
      - { name: src, uses: Source/AWS/CodeStarSourceConnection, outputs: [src], with: { ConnectionArn: arn, FullRepositoryId: acme/app, BranchName: main } }
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}", uses: commands, inputs: [src], commands: ["./deploy.sh \${region}"], runsOn: [gpu, arm64] }
`,
    );
    const { template, original, compiled, notes } = await exported(file);
    expect(await readFile(template, 'utf8')).toContain('RunsOn: { Deploy: { eu-west-1: [ arm64, gpu ], us-east-1: [ arm64, gpu ] } }');
    expect(notes.some((note) => note.startsWith('runsOn:'))).toBe(true);
    expect(compiled.stages[1]?.actions.map((a) => a.agentLabels)).toEqual([
      ['arm64', 'gpu'],
      ['arm64', 'gpu'],
    ]);
    const back = await imported(template);
    expect(firstDifference(back.native, original)).toBeUndefined();
    expect(back.text).toContain('runsOn: [ arm64, gpu ]');
  });

  it('refuses RunsOn metadata naming an action the pipeline does not have, at its line', async () => {
    const file = await tempDefinition(
      'template.yaml',
      `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Metadata:
      Meridian:
        RunsOn: { Build: { biuld: [gpu] } }
    Properties:
      PipelineType: V2
      ArtifactStore: { Type: S3, Location: bucket }
      Stages:
        - Name: Source
          Actions:
            - { Name: src, ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: '1' }, Configuration: { ConnectionArn: arn, FullRepositoryId: acme/app, BranchName: main }, OutputArtifacts: [{ Name: src }] }
        - Name: Build
          Actions:
            - { Name: build, ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: '1' }, Commands: ['true'], InputArtifacts: [{ Name: src }] }
`,
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 6, 28)).toMatchObject({ message: 'stage Build has no action biuld', hint: expect.stringContaining('build') });
  });
});
