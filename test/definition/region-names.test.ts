/** An empty region name names no region: refused where it is written, in every format. */
import { describe, expect, it } from 'vitest';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

const NATIVE_STAGES = `sources:
  app: { git: /srv/app }
stages:
  - name: Build
    actions:
      - name: test
        uses: commands
        inputs: [app]
        commands: [echo ok]
`;

describe('empty region names', () => {
  it('native: a region key "" under regions:', async () => {
    const file = await tempDefinition('meridian.yaml', `pipeline: p\nregions:\n  "": {}\n  eu-west-1:\n${NATIVE_STAGES}`);
    const problems = await problemsOf(file);
    expect(problems).toHaveLength(1);
    const found = problemAt(problems, file, 3, 3);
    expect(found.message).toBe('a region under `regions:` has an empty name');
    expect(found.hint).toMatch(/write the region's name as its key, e\.g\. `eu-west-1:/);
  });

  it('native: an empty home, action region and wave entry', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: p
home: ''
regions:
  eu-west-1:
sources:
  app: { git: /srv/app }
stages:
  - name: Build
    actions:
      - name: test
        uses: commands
        region: ""
        inputs: [app]
        commands: [echo ok]
rollout:
  waves: [[eu-west-1, '']]
`,
    );
    const problems = await problemsOf(file);
    expect(problems).toHaveLength(3);
    expect(problemAt(problems, file, 2, 7).message).toBe('`home` is empty');
    expect(problemAt(problems, file, 12, 17).message).toBe('the `region` of action test is empty');
    expect(problemAt(problems, file, 16, 23).message).toBe('wave 1 lists an empty region name');
    for (const p of problems) expect(p.hint).toMatch(/^write the name/);
  });

  it('template: an empty ArtifactStores Region, action Region and Metadata HomeRegion', async () => {
    const body = (home: string) => `${home}Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      ArtifactStores:
        - Region: ""
          ArtifactStore: { Type: S3, Location: artifacts-a }
        - Region: eu-west-1
          ArtifactStore: { Type: S3, Location: artifacts-b }
      Stages:
        - Name: Source
          Actions:
            - Name: src
              ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: 1 }
              Configuration: { S3Bucket: sources, S3ObjectKey: app.zip }
              OutputArtifacts: [{ Name: src }]
        - Name: Deploy
          Actions:
            - Name: deploy
              Region: ''
              ActionTypeId: { Category: Approval, Owner: AWS, Provider: Manual, Version: 1 }
`;
    const file = await tempDefinition('template.yaml', body(''));
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 6, 19).message).toBe('the `Region` of this entry is empty');
    expect(problemAt(problems, file, 20, 23).message).toBe('the `Region` of action deploy is empty');
    expect(problems.every((p) => p.hint === 'write the name of an AWS region, e.g. eu-west-1')).toBe(true);

    const homeless = await tempDefinition('template.yaml', body('Metadata:\n  Meridian: { HomeRegion: "" }\n'));
    const home = problemAt(await problemsOf(homeless), homeless, 2, 27);
    expect(home.message).toBe('`HomeRegion` is empty');
  });

  it('get-pipeline JSON: an empty artifactStores key and action region', async () => {
    const file = await tempDefinition(
      'pipeline.json',
      `{
  "pipeline": {
    "name": "p",
    "artifactStores": {
      "": { "type": "S3", "location": "artifacts-a" },
      "eu-west-1": { "type": "S3", "location": "artifacts-b" }
    },
    "stages": [
      { "name": "Source", "actions": [
        { "name": "src", "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
          "configuration": { "S3Bucket": "sources", "S3ObjectKey": "app.zip" }, "outputArtifacts": [{ "name": "src" }] } ] },
      { "name": "Deploy", "actions": [
        { "name": "deploy", "region": "", "actionTypeId": { "category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1" } } ] }
    ]
  }
}
`,
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 5, 7).message).toBe('a region of `artifactStores` is empty');
    expect(problemAt(problems, file, 13, 39).message).toBe('the `region` of action deploy is empty');
  });
});
