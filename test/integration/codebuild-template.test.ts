import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

describe('a CodePipeline template with a CodeBuild project', () => {
  it('runs the project named by ProjectName: SSM-typed parameters reach its environment, exported variables reach a later action', async () => {
    const repo = makeRepo({
      'buildspec.yml': `version: 0.2
env:
  exported-variables: [ARTIFACT_BUCKET, VERSION]
phases:
  build:
    commands:
      - echo "bucket is $ARTIFACT_BUCKET, stage is $STAGE"
      - export VERSION=2.0.$CODEBUILD_BUILD_NUMBER
      - mkdir -p out && echo "$ARTIFACT_BUCKET" > out/bucket.txt
artifacts:
  files: ['out/**/*']
`,
    });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    expect((await runCli(['params', 'put', '/build/bucket', 'bucket-eu-1', '--state-dir', state])).code).toBe(0);
    const template = path.join(dir, 'template.yaml');
    fs.writeFileSync(
      template,
      `Parameters:
  ArtifactBucket:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /build/bucket
Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      Name: service-build
      Artifacts: { Type: CODEPIPELINE }
      Source: { Type: CODEPIPELINE }
      Environment:
        Type: LINUX_CONTAINER
        ComputeType: BUILD_GENERAL1_SMALL
        Image: aws/codebuild/standard:7.0
        EnvironmentVariables:
          - { Name: ARTIFACT_BUCKET, Value: !Ref ArtifactBucket }
          - { Name: STAGE, Value: project }
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: with-codebuild
      RoleArn: arn:aws:iam::000000000000:role/pipeline
      ArtifactStore: { Type: S3, Location: !Ref ArtifactBucket }
      Stages:
        - Name: Source
          Actions:
            - Name: source
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: '1' }
              Configuration: { ConnectionArn: arn:aws:codeconnections:eu-west-1:000000000000:connection/x, FullRepositoryId: acme/service, BranchName: main }
              OutputArtifacts: [{ Name: src }]
        - Name: Build
          Actions:
            - Name: build
              Namespace: BuildVariables
              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: '1' }
              Configuration:
                ProjectName: !Ref Build
                EnvironmentVariables: '[{"name":"STAGE","value":"override","type":"PLAINTEXT"}]'
              InputArtifacts: [{ Name: src }]
              OutputArtifacts: [{ Name: built }]
        - Name: Deploy
          Actions:
            - Name: check
              ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: '1' }
              Commands:
                - test "$(cat out/bucket.txt)" = bucket-eu-1
                - test "#{BuildVariables.VERSION}" = 2.0.1
              InputArtifacts: [{ Name: built }]
`,
    );
    const result = await runCli(['run', '-f', template, '--source', `source=${repo}`, '--state-dir', state, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    const summary = JSON.parse(result.stdout) as ExecutionSummary;
    expect(summary.status).toBe('Succeeded');
    expect(summary.stages[1]!.actions[0]!.outputVariables).toEqual({ ARTIFACT_BUCKET: 'bucket-eu-1', VERSION: '2.0.1' });
    const log = (await runCli(['logs', summary.executionId, 'build', '--state-dir', state])).stdout;
    // Precedence as CodeBuild's: the action's override beats the project's value.
    expect(log).toContain('bucket is bucket-eu-1, stage is override');
    expect(log).toMatch(/aws\/codebuild\/standard:7\.0/);
  });
});
