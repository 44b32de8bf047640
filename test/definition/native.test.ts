import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { fixture, problemAt, problemsOf, tempDefinition } from './helpers.js';

function native(text: string): Promise<string> {
  return tempDefinition('meridian.yaml', text);
}

describe('native format', () => {
  it('compiles regions, variables, parameters, sources and the action fields', async () => {
    const file = await native(`pipeline: shop
executionMode: QUEUED
regions:
  eu-west-1: { timezone: Europe/Dublin, store: s3://shop-eu }
  us-east-1: { store: /var/meridian/us }
  ap-southeast-2:
variables:
  release: "1.0"
  channel: { default: stable, description: Release channel }
parameters:
  Bucket: { ssm: /shop/bucket }
  Env: { default: prod }
sources:
  app: { git: ./app, branch: main, namespace: SourceVars }
stages:
  - name: Build
    actions:
      - name: test
        uses: commands
        inputs: [app]
        outputs: [tested]
        commands: ["npm ci", "npm test -- --region \${region}"]
        outputVariables: [VERSION]
        env:
          STAGE: prod
          TOKEN: { parameter: /shop/token }
          KEY: { secret: "shop:api-key" }
        timeout: 30
        namespace: TestVars
      - name: approve
        uses: approval
        runOrder: 2
        region: us-east-1
        with: { message: "ship #{TestVars.VERSION}?", link: https://example.com }
      - name: custom
        uses: Invoke/Custom/Notifier@2
        runOrder: 3
`);
    const pipeline = await loadDefinition(file);
    expect(pipeline).toMatchObject({ name: 'shop', executionMode: 'QUEUED', homeRegion: 'eu-west-1', format: 'native', resources: {} });
    expect(pipeline.regions).toEqual([
      { name: 'eu-west-1', timezone: 'Europe/Dublin', store: { kind: 's3', location: 's3://shop-eu' } },
      { name: 'us-east-1', timezone: 'UTC', store: { kind: 'folder', location: '/var/meridian/us' } },
      { name: 'ap-southeast-2', timezone: 'UTC', store: { kind: 'folder', location: 'stores/ap-southeast-2' } },
    ]);
    expect(pipeline.variables).toEqual([
      { name: 'release', defaultValue: '1.0' },
      { name: 'channel', defaultValue: 'stable', description: 'Release channel' },
    ]);
    expect(pipeline.parameters).toEqual([
      { name: 'Bucket', type: 'SSM', default: '/shop/bucket', location: { file, line: 11, col: 3 } },
      { name: 'Env', type: 'String', default: 'prod', location: { file, line: 12, col: 3 } },
    ]);
    expect(pipeline.stages[0]).toMatchObject({
      name: 'Source',
      location: { file, line: 13, col: 1 },
      actions: [
        {
          name: 'app',
          type: { category: 'Source', owner: 'Meridian', provider: 'Git', version: '1' },
          configuration: { Repository: path.join(path.dirname(file), 'app'), Branch: 'main' },
          outputArtifacts: ['app'],
          namespace: 'SourceVars',
        },
      ],
    });
    const [test, approve, custom] = pipeline.stages[1]!.actions;
    expect(test).toMatchObject({
      type: { category: 'Compute', owner: 'AWS', provider: 'Commands' },
      region: 'eu-west-1',
      commands: ['npm ci', 'npm test -- --region eu-west-1'],
      outputVariables: ['VERSION'],
      environmentVariables: [
        { name: 'STAGE', value: 'prod', type: 'PLAINTEXT' },
        { name: 'TOKEN', value: '/shop/token', type: 'PARAMETER_STORE' },
        { name: 'KEY', value: 'shop:api-key', type: 'SECRETS_MANAGER' },
      ],
      timeoutInMinutes: 30,
      namespace: 'TestVars',
      location: { file, line: 18, col: 9 },
    });
    expect(approve).toMatchObject({
      type: { category: 'Approval', provider: 'Manual' },
      region: 'us-east-1',
      runOrder: 2,
      configuration: { CustomData: 'ship #{TestVars.VERSION}?', ExternalEntityLink: 'https://example.com' },
    });
    expect(custom!.type).toEqual({ category: 'Invoke', owner: 'Custom', provider: 'Notifier', version: '2' });
  });

  it('expands forEach over listed regions, substituting ${region} and ${region.timezone}', async () => {
    const file = await native(`pipeline: waves
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
  ap-southeast-2: { timezone: Australia/Sydney }
source:
  app: { git: ./app }
stages:
  - name: Package
    forEach: region
    actions:
      - name: package-\${region}
        uses: codebuild
        inputs: [app]
        outputs: ["bundle-\${region}"]
        namespace: Pkg-\${region}
  - name: Deploy
    forEach: [ap-southeast-2, eu-west-1]
    actions:
      - name: \${region}
        uses: cloudformation
        inputs:
          - bundle-\${region}
        with:
          stack: shop
          template: "bundle-\${region}::stack.yaml"
          parameters: { Zone: "\${region.timezone}", Build: "#{Pkg-\${region}.BuildId}" }
`);
    const pipeline = await loadDefinition(file);
    const [, packaging, deploy] = pipeline.stages;
    expect(packaging!.actions.map((a) => [a.name, a.region, a.outputArtifacts[0], a.namespace])).toEqual([
      ['package-eu-west-1', 'eu-west-1', 'bundle-eu-west-1', 'Pkg-eu-west-1'],
      ['package-us-east-1', 'us-east-1', 'bundle-us-east-1', 'Pkg-us-east-1'],
      ['package-ap-southeast-2', 'ap-southeast-2', 'bundle-ap-southeast-2', 'Pkg-ap-southeast-2'],
    ]);
    expect(deploy!.actions.map((a) => [a.name, a.region, a.inputArtifacts[0]])).toEqual([
      ['ap-southeast-2', 'ap-southeast-2', 'bundle-ap-southeast-2'],
      ['eu-west-1', 'eu-west-1', 'bundle-eu-west-1'],
    ]);
    expect(deploy!.actions[0]!.configuration).toEqual({
      StackName: 'shop',
      TemplatePath: 'bundle-ap-southeast-2::stack.yaml',
      ParameterOverrides: '{"Zone":"Australia/Sydney","Build":"#{Pkg-ap-southeast-2.BuildId}"}',
    });
  });

  it('explains the YAML error of an unquoted ${region} inside brackets', async () => {
    const file = await native('pipeline: p\nstages:\n  - name: S\n    actions:\n      - { name: a, uses: git, outputs: [src-${region}] }\n');
    const problems = await problemsOf(file);
    expect(problems[0]!.location).toMatchObject({ file, line: 5 });
    expect(problems[0]!.hint).toBe('inside `[...]` or `{...}`, quote values that contain `${...}`, e.g. ["bundle-${region}"]');
  });

  it('without regions, runs everything in one local region', async () => {
    const pipeline = await loadDefinition(fixture('rules/unknown-type.meridian.yaml'));
    expect(pipeline.homeRegion).toBe('local');
    expect(pipeline.regions).toEqual([{ name: 'local', timezone: 'UTC', store: { kind: 'folder', location: 'stores/local' } }]);
  });

  it('reports schema problems at the key or value, with did-you-mean', async () => {
    const file = fixture('rules/native-schema.meridian.yaml');
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 2, 16)).toMatchObject({
      message: '`executionMode` must be `SUPERSEDED`, `QUEUED` or `PARALLEL`',
      hint: 'did you mean `QUEUED`?',
    });
    expect(problemAt(problems, file, 6, 22)).toMatchObject({ message: 'unknown key `brnach` in source app', hint: 'did you mean `branch`?' });
    expect(problemAt(problems, file, 13, 9)).toMatchObject({ message: 'unknown key `runOrdr` in an action', hint: 'did you mean `runOrder`?' });
    expect(problemAt(problems, file, 15, 20)).toMatchObject({
      message: 'unknown key `paramter` in environment variable TOKEN',
      hint: 'did you mean `parameter`?',
    });
    expect(problems).toHaveLength(4);
  });

  it('reports semantic problems: regions, uses, forEach with region, both source keys, CloudFormation tags', async () => {
    const file = await native(`pipeline: semantic
home: eu-wset-1
regions:
  eu-west-1: { timezone: Europe/Dubln }
  us-east-1: {}
source:
  app: { git: ./app }
sources:
  lib: { git: ./lib }
stages:
  - name: Deploy
    forEach: [eu-west-1, us-east-2]
    actions:
      - name: \${region}
        uses: cloudformaton
        region: eu-west-1
        with: { stack: !Ref Stack }
`);
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 2, 7)).toMatchObject({
      message: 'home region eu-wset-1 is not declared under `regions:`',
      hint: 'did you mean `eu-west-1`?',
    });
    expect(problemAt(problems, file, 4, 26).message).toBe('`Europe/Dubln` is not a time zone');
    expect(problemAt(problems, file, 6, 1).message).toBe('both `sources:` and `source:` are given');
    expect(problemAt(problems, file, 12, 26)).toMatchObject({
      message: 'region us-east-2 is not declared under `regions:`',
      hint: 'did you mean `us-east-1`?',
    });
    expect(problemAt(problems, file, 15, 15)).toMatchObject({ message: 'unknown action type `cloudformaton`', hint: 'did you mean `cloudformation`?' });
    expect(problemAt(problems, file, 16, 17).message).toBe('an action in a forEach stage runs in every region of the stage');
    expect(problemAt(problems, file, 17, 24).message).toBe('!Ref is CloudFormation syntax; the native format does not evaluate it');
  });

  it('says what a file that is no definition should be', async () => {
    const file = await native('just: a mapping\n');
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 1, 1).message).toBe('this file is not a pipeline definition');
  });
});
