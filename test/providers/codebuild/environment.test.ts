import { describe, expect, it } from 'vitest';
import { commandsProvider } from '../../../src/providers/commands/index.js';
import { makeTempDir, makeTestContext } from '../context.js';
import { failed, output, runBuildspec, succeeded } from './build.js';

const PROJECT = {
  Project: {
    type: 'AWS::CodeBuild::Project',
    properties: {
      Name: 'service-x-build',
      Environment: {
        Image: 'aws/codebuild/standard:7.0',
        EnvironmentVariables: [
          { Name: 'LEVEL', Value: 'project', Type: 'PLAINTEXT' },
          { Name: 'FROM_PROJECT', Value: 'p', Type: 'PLAINTEXT' },
          { Name: 'DB_PASSWORD', Value: '/db/password', Type: 'PARAMETER_STORE' },
        ],
      },
    },
  },
};

describe('codebuild: environment', () => {
  it('action EnvironmentVariables override the project, which overrides the buildspec (CB-SPEC precedence)', async () => {
    const run = await runBuildspec(
      `version: 0.2
env:
  variables:
    LEVEL: buildspec
    FROM_BUILDSPEC: b
    LITERAL: $PATH:/x
phases:
  build:
    commands:
      - echo "$LEVEL $FROM_BUILDSPEC $FROM_PROJECT $FROM_ACTION $LITERAL"
`,
      {
        configuration: {
          ProjectName: 'service-x-build',
          EnvironmentVariables: JSON.stringify([
            { name: 'LEVEL', value: 'action', type: 'PLAINTEXT' },
            { name: 'FROM_ACTION', value: 'a' },
          ]),
        },
        parameters: [{ name: '/db/password', type: 'SecureString', value: 'hunter2-secret', version: 1 }],
        prepare: (test) => void (test.ctx.resources = PROJECT),
      },
    );
    succeeded(run);
    expect(output(run.log)).toEqual(['action b p a $PATH:/x']);
    expect(run.test.masked).toContain('hunter2-secret');
    expect(run.log).toContain('Image aws/codebuild/standard:7.0 named by the project was not used');
  });

  it('sets the built-in CODEBUILD_* variables and the action region (CB-ENV)', async () => {
    const run = await runBuildspec(
      `version: 0.2
phases:
  build:
    commands:
      - echo "id=$CODEBUILD_BUILD_ID"
      - echo "number=$CODEBUILD_BUILD_NUMBER"
      - echo "initiator=$CODEBUILD_INITIATOR"
      - echo "revision=$CODEBUILD_RESOLVED_SOURCE_VERSION"
      - echo "src=$CODEBUILD_SRC_DIR"
      - echo "other=$CODEBUILD_SRC_DIR_tools"
      - echo "start=$CODEBUILD_START_TIME"
      - echo "arn=$CODEBUILD_BUILD_ARN"
      - echo "region=$AWS_REGION $AWS_DEFAULT_REGION"
      - echo "succeeding=$CODEBUILD_BUILD_SUCCEEDING"
`,
      {
        region: 'ap-southeast-2',
        configuration: { ProjectName: 'svc' },
        prepare: async (test) => {
          test.ctx.inputs.set('tools', await makeTempDir('meridian-tools-'));
          test.ctx.inputRevisions.set('src', 'abc123');
        },
      },
    );
    succeeded(run);
    const values = Object.fromEntries(output(run.log).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    expect(values.id).toMatch(/^svc:[0-9a-f-]{36}$/);
    expect(values.number).toBe('1');
    expect(values.initiator).toBe('codepipeline/pipe');
    expect(values.revision).toBe('abc123');
    expect(values.src).toBe(run.test.ctx.inputs.get('src'));
    expect(values.other).toBe(run.test.ctx.inputs.get('tools'));
    expect(Number(values.start)).toBeGreaterThan(Date.now() - 60_000);
    expect(values.arn).toBe(`arn:aws:codebuild:ap-southeast-2:000000000000:build/${values.id}`);
    expect(values.region).toBe('ap-southeast-2 ap-southeast-2');
    expect(values.succeeding).toBe('1');
  });

  it('counts CODEBUILD_BUILD_NUMBER per project across builds (CB-ENV)', async () => {
    const spec = 'version: 0.2\nphases:\n  build:\n    commands:\n      - echo $CODEBUILD_BUILD_NUMBER\n';
    const { mkdir } = await import('node:fs/promises');
    const cache = await makeTempDir('meridian-cache-');
    const shared = async (key: string): Promise<string> => {
      await mkdir(`${cache}/${key}`, { recursive: true });
      return `${cache}/${key}`;
    };
    const numbers: string[] = [];
    for (let i = 0; i < 2; i++) {
      const run = await runBuildspec(spec, { configuration: { ProjectName: 'counted' }, prepare: (test) => void (test.ctx.cacheDir = shared) });
      numbers.push(...output(succeeded(run) && run.log));
    }
    expect(numbers).toEqual(['1', '2']);
  });

  it('parameter-store and secrets-manager values reach the build and are masked (CB-SPEC env)', async () => {
    const run = await runBuildspec(
      `version: 0.2
env:
  parameter-store:
    BUCKET: /Environment/EU/SourceCodeStorage
  secrets-manager:
    TOKEN: prod/api:token
phases:
  build:
    commands:
      - echo "$BUCKET ${'${#TOKEN}'}"
`,
      {
        parameters: [{ name: '/Environment/EU/SourceCodeStorage', type: 'String', value: 'eu-bucket', version: 1 }],
        secrets: { 'prod/api:token': 's3cr3t-token' },
      },
    );
    succeeded(run);
    expect(output(run.log)).toEqual(['eu-bucket 12']);
    expect(run.test.masked).toContain('s3cr3t-token');
    expect(run.test.masked).not.toContain('eu-bucket');
  });

  it('exported-variables become output variables with their values at the end of post_build; AWS_ names and stored values are not exported (CB-SPEC exported-variables)', async () => {
    const run = await runBuildspec(
      `version: 0.2
env:
  exported-variables: [VERSION, LATE, AWS_PROFILE_X, TOKEN, NEVER_SET]
  secrets-manager:
    TOKEN: t
phases:
  install:
    commands:
      - export VERSION=1.0
  build:
    commands:
      - VERSION=2.0
      - export AWS_PROFILE_X=x
  post_build:
    commands:
      - export LATE=$VERSION-final
`,
      { secrets: { t: 'secret-value' } },
    );
    const result = succeeded(run);
    expect(result.outputVariables).toEqual({ VERSION: '2.0', LATE: '2.0-final' });
    expect(run.log).toContain('Not exporting AWS_PROFILE_X: names starting with AWS_ cannot be exported');
    expect(run.log).toContain('Not exporting TOKEN: it comes from Parameter Store or Secrets Manager');
    expect(run.log).toContain('Not exporting NEVER_SET: no command set it');
  });

  it('puts meridian first on PATH and gives the state dir and stores to builds and Commands actions', async () => {
    const run = await runBuildspec(
      'version: 0.2\nphases:\n  build:\n    commands:\n      - \'echo "$PATH" | cut -d: -f1\'\n      - echo "$MERIDIAN_STATE_DIR"\n      - echo "$MERIDIAN_ARTIFACT_STORES"\n',
      {
        prepare: (test) => void (test.ctx.artifactStores = { 'eu-west-1': '/stores/eu' }),
      },
    );
    succeeded(run);
    expect(output(run.log)).toEqual([run.test.ctx.toolPath, run.test.ctx.stateDir, '{"eu-west-1":"/stores/eu"}']);

    const commands = await makeTestContext({
      type: 'Compute/AWS/Commands',
      commands: ['echo "$PATH" | cut -d: -f1', 'echo "$MERIDIAN_STATE_DIR"', 'echo "$MERIDIAN_ARTIFACT_STORES"'],
    });
    commands.ctx.artifactStores = { 'us-east-1': '/stores/us' };
    await commandsProvider.run(commands.ctx);
    const lines = commands
      .log()
      .split('\n')
      .filter((line) => !line.startsWith('[Meridian]'));
    expect(lines).toEqual([commands.ctx.toolPath, commands.ctx.stateDir, '{"us-east-1":"/stores/us"}', '']);
  });

  it('refuses action variables named CODEBUILD_* before anything runs (CB-SPEC env)', async () => {
    const run = await runBuildspec('version: 0.2\nphases:\n  build:\n    commands: [echo never]\n', {
      configuration: { EnvironmentVariables: JSON.stringify([{ name: 'CODEBUILD_X', value: '1' }]) },
    });
    expect(failed(run).message).toBe('PROVISIONING failed: environment variable CODEBUILD_X: names starting with CODEBUILD_ are reserved; rename it');
    expect(output(run.log)).toEqual([]);
  });

  it('git-credential-helper is accepted and logged as not applicable (CB-SPEC env)', async () => {
    const run = await runBuildspec('version: 0.2\nenv:\n  git-credential-helper: yes\nphases:\n  build:\n    commands: [echo ok]\n');
    succeeded(run);
    expect(run.log).toContain('Not applicable on this host: git-credential-helper');
  });

  it('run-as the current user runs in the shared shell; another user runs through runuser (CB-SPEC run-as)', async () => {
    const { userInfo } = await import('node:os');
    const me = userInfo();
    const same = await runBuildspec(`version: 0.2\nrun-as: ${me.username}\nphases:\n  build:\n    commands:\n      - X=1\n      - echo "$(id -un) $X"\n`);
    succeeded(same);
    expect(output(same.log)).toEqual([`${me.username} 1`]);
    if (me.uid !== 0) return; // switching users needs root here
    const other = await runBuildspec('version: 0.2\nphases:\n  build:\n    run-as: nobody\n    commands:\n      - id -un\n');
    succeeded(other);
    expect(output(other.log)).toContain('nobody');
    const missing = await runBuildspec('version: 0.2\nphases:\n  build:\n    run-as: no-such-user-here\n    commands:\n      - echo never\n');
    expect(failed(missing).message).toBe('BUILD failed: run-as user no-such-user-here does not exist on this host: create it, or remove run-as');
  });
});
