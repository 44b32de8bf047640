/** A template `Transform` is refused at its place: Meridian does not run transforms, and ignoring one reads another pipeline. */
import { describe, expect, it } from 'vitest';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

const RESOURCES = `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      ArtifactStore: { Type: S3, Location: artifacts }
      Stages:
        - Name: Source
          Actions:
            - Name: src
              ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: 1 }
              Configuration: { S3Bucket: sources, S3ObjectKey: app.zip }
              OutputArtifacts: [{ Name: src }]
        - Name: Approve
          Actions:
            - Name: approve
              ActionTypeId: { Category: Approval, Owner: AWS, Provider: Manual, Version: 1 }
`;

describe('template Transform', () => {
  it.each([
    ['Transform: AWS::Serverless-2016-10-31', '`Transform: AWS::Serverless-2016-10-31`'],
    ['Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]', '`Transform: AWS::LanguageExtensions, AWS::Serverless-2016-10-31`'],
    ['Transform: { Name: AWS::Include, Parameters: { Location: s3://bucket/part.yaml } }', '`Transform: AWS::Include`'],
  ])('refuses %s with what to do instead', async (line, shown) => {
    const file = await tempDefinition('template.yaml', `AWSTemplateFormatVersion: '2010-09-09'\n${line}\n${RESOURCES}`);
    const problems = await problemsOf(file);
    expect(problems).toHaveLength(1);
    const found = problemAt(problems, file, 2, 1);
    expect(found.message).toBe(
      `${shown} asks CloudFormation to rewrite this template first; Meridian does not run transforms, so it would read a different pipeline`,
    );
    expect(found.hint).toMatch(/^give Meridian the template after the transform .*--template-stage Processed.*, or remove `Transform`/);
  });
});
