import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import type { Pipeline } from '../../src/domain/pipeline.js';
import { fixture, problemAt, problemsOf, tempDefinition } from './helpers.js';

const EXPORTS = { SourceBucket: 'app-sources', SharedName: 'shared' };

/** The pipeline without what necessarily differs between two files: the file and positions. */
function withoutPositions(pipeline: Pipeline): unknown {
  return JSON.parse(JSON.stringify({ ...pipeline, file: '' }, (key, value: unknown) => (key === 'location' ? undefined : value)));
}

function template(body: string): Promise<string> {
  return tempDefinition('template.yaml', body);
}

const PIPELINE_WITH = (configuration: string): string => `Parameters:
  Env: { Type: String, Default: prod }
Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      ArtifactStore: { Type: S3, Location: artifacts }
      Stages:
        - Name: Source
          Actions:
            - Name: src
              ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: 1 }
              OutputArtifacts: [{ Name: src }]
        - Name: Build
          Actions:
            - Name: build
              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: 1 }
              InputArtifacts: [{ Name: src }]
              Configuration:
${configuration}
`;

describe('intrinsic functions', () => {
  it('short forms (YAML) and long forms (JSON template) resolve to the same pipeline', async () => {
    const short = await loadDefinition(fixture('intrinsics-short.template.yaml'), { exports: EXPORTS });
    const long = await loadDefinition(fixture('intrinsics-long.template.json'), { exports: EXPORTS });
    expect(withoutPositions(long)).toEqual(withoutPositions(short));

    expect(short.name).toBe('app-eu-west-1');
    expect(short.homeRegion).toBe('eu-west-1');
    expect(short.regions).toEqual([{ name: 'eu-west-1', timezone: 'UTC', store: { kind: 's3', location: '#{parameters.ArtifactBucket}' } }]);
    expect(short.parameters.map((p) => [p.name, p.type, p.default])).toEqual([
      ['Env', 'String', 'prod'],
      ['ArtifactBucket', 'SSM', '/shared/artifacts'],
    ]);
    expect(short.stages[0]!.actions[0]!.configuration).toEqual({ S3Bucket: 'app-sources', S3ObjectKey: 'app.zip' });
    expect(short.stages[1]!.actions[0]!.configuration).toEqual({
      ProjectName: 'app-eu-west-1-build',
      Sub: '#{parameters.Env}-eu-west-1-${Literal}',
      SubWithMap: '#{parameters.Env}/arn:aws:codebuild:eu-west-1:000000000000:project/app-eu-west-1-build',
      Join: '#{parameters.Env}-shared-1',
      Select: 'b',
      FindInMap: 'eu',
      GetAtt: '1',
      Account: '000000000000',
      Encoded: 'aGVsbG8=',
    });
  });

  it('reports an unresolved !Ref at the reference, suggesting a close name', async () => {
    const file = await template(PIPELINE_WITH('                Stage: !Ref Evn\n                Where: !Sub "${Envv}-x"'));
    const problems = await problemsOf(file);
    const ref = problemAt(problems, file, 20, 24);
    expect(ref.message).toBe('`!Ref Evn` refers to `Evn`, which is not a parameter or resource of this template');
    expect(ref.hint).toBe('did you mean `Env`?');
    // Inside !Sub the position is the placeholder's own.
    const sub = problemAt(problems, file, 21, 30);
    expect(sub.message).toBe('`${Envv}` refers to `Envv`, which is not a parameter or resource of this template');
    expect(sub.hint).toBe('did you mean `Env`?');
  });

  it('refuses conditions and !GetAZs with a clear message', async () => {
    const file = await template(
      PIPELINE_WITH(
        "                A: !If [IsProd, x, y]\n                B: !Select [0, !GetAZs '']\n                C: { 'Fn::Equals': [a, b] }\n                D: { 'Fn::Frobnicate': x }",
      ),
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 20, 20).message).toBe('!If is not supported: Meridian does not evaluate CloudFormation conditions');
    expect(problemAt(problems, file, 21, 32).message).toBe('!GetAZs is not supported: Meridian has no availability zones');
    expect(problemAt(problems, file, 22, 20).message).toBe('Fn::Equals is not supported: Meridian does not evaluate CloudFormation conditions');
    expect(problemAt(problems, file, 23, 20).message).toBe('unknown intrinsic function Fn::Frobnicate');
  });

  it('reports a GetAtt that only AWS could answer, and a missing resource', async () => {
    const file = await template(PIPELINE_WITH('                A: !GetAtt Pipeline.Arn\n                B: !GetAtt [Pipelin, Version]'));
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 20, 20).message).toBe(
      '`!GetAtt Pipeline.Arn` cannot be resolved: `Pipeline.Arn` only exists once AWS creates the resource',
    );
    const missing = problemAt(problems, file, 21, 20);
    expect(missing.message).toBe('`!GetAtt Pipelin.Version` refers to `Pipelin`, which is not a resource of this template');
    expect(missing.hint).toBe('did you mean `Pipeline`?');
  });
});
