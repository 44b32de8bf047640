import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { nativeJsonSchema } from '../../src/definition/native/schema.js';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

const regions = `regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
`;

/** A template of two regions whose Deploy stage has one action per region, with `meta` under Metadata.Meridian. */
function template(meta: string): string {
  return `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Metadata:
      Meridian:
${meta}    Properties:
      PipelineType: V2
      ArtifactStores:
        - { Region: eu-west-1, ArtifactStore: { Type: S3, Location: eu-bucket } }
        - { Region: us-east-1, ArtifactStore: { Type: S3, Location: us-bucket } }
      Stages:
        - Name: Source
          Actions:
            - { Name: src, ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: '1' }, Configuration: { ConnectionArn: arn, FullRepositoryId: acme/app, BranchName: main }, OutputArtifacts: [{ Name: src }] }
        - Name: Deploy
          Actions:
            - { Name: eu, Region: eu-west-1, ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: '1' }, Commands: ['true'], InputArtifacts: [{ Name: src }] }
            - { Name: us, Region: us-east-1, ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: '1' }, Commands: ['true'], InputArtifacts: [{ Name: src }] }
            - { Name: gate, RunOrder: 2, ActionTypeId: { Category: Approval, Owner: AWS, Provider: Manual, Version: '1' } }
`;
}

describe('native lanes: and onLaneFailure:', () => {
  it("compiles each form to the stage's lanes and onLaneFailure, and marks the actions that name no region", async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: l
${regions}sources:
  src: { git: . }
stages:
  - name: Deploy
    forEach: region
    lanes: region
    onLaneFailure: continue
    actions:
      - { name: "\${region}-deploy", uses: commands, commands: ["true"] }
  - name: Switch
    lanes: stage
    onLaneFailure: stop
    actions:
      - { name: eu-switch, uses: commands, region: eu-west-1, commands: ["true"] }
      - { name: home-switch, uses: commands, commands: ["true"] }
  - name: Check
    actions:
      - { name: check, uses: commands, commands: ["true"] }
`,
    );
    const pipeline = await loadDefinition(file);
    const [source, deploy, switching, check] = pipeline.stages;
    expect([deploy?.lanes, deploy?.onLaneFailure]).toEqual(['region', 'continue']);
    expect([switching?.lanes, switching?.onLaneFailure]).toEqual(['stage', 'stop']);
    expect(check).not.toHaveProperty('lanes');
    expect(check).not.toHaveProperty('onLaneFailure');
    // forEach and `region:` name the region; a source and an action without `region:` do not.
    expect(deploy?.actions.map((a) => a.homeByDefault)).toEqual([undefined, undefined]);
    expect(switching?.actions.map((a) => [a.region, a.homeByDefault])).toEqual([
      ['eu-west-1', undefined],
      ['eu-west-1', true],
    ]);
    expect(source?.actions.map((a) => a.homeByDefault)).toEqual([true]);
  });

  it('refuses unknown values at their place, with the allowed words', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: l
${regions}stages:
  - name: Deploy
    forEach: region
    lanes: regions
    onLaneFailure: abort
    actions:
      - { name: "\${region}-deploy", uses: commands, commands: ["true"] }
`,
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 8, 12)).toEqual({
      location: { file, line: 8, col: 12 },
      message: '`lanes` must be `region` or `stage`',
      hint: 'did you mean `region`?',
    });
    expect(problemAt(problems, file, 9, 20).message).toBe('`onLaneFailure` must be `stop` or `continue`');
  });

  it('refuses `lanes: stage` and `onLaneFailure: continue` on a stage the rollout orders, at their lines, with what to write', async () => {
    const text = (lanes: string, onLaneFailure: string): string => `pipeline: l
${regions}rollout: { waves: [[eu-west-1], [us-east-1]] }
sources:
  src: { git: . }
stages:
  - name: Deploy
    forEach: region
    lanes: ${lanes}
    onLaneFailure: ${onLaneFailure}
    actions:
      - { name: "\${region}-deploy", uses: commands, commands: ["true"] }
  - name: Notify
    lanes: stage
    onLaneFailure: continue
    actions:
      - { name: notify, uses: commands, commands: ["true"] }
`;
    const file = await tempDefinition('meridian.yaml', text('stage', 'continue'));
    const problems = await problemsOf(file);
    expect(problems).toHaveLength(2);
    const lanes = problemAt(problems, file, 11, 12);
    expect(lanes.message).toBe(
      "`lanes: stage` cannot apply: stage Deploy deploys to several regions in the rollout's waves, which always run each region through its own runOrders",
    );
    expect(lanes.hint).toBe(
      'remove `lanes:` (or write `lanes: region`); runOrder is stage-wide, as CodePipeline runs it, only in a pipeline without `rollout:`',
    );
    const onFailure = problemAt(problems, file, 12, 20);
    expect(onFailure.message).toContain(
      "`onLaneFailure: continue` cannot apply: stage Deploy deploys in the rollout's waves, and a rollout stops at the first failure",
    );
    expect(onFailure.hint).toContain('`rollback: region | wave | all-previous` in `rollout:` decides what a failure undoes');
    // `lanes: region` and `onLaneFailure: stop` say what the rollout does anyway.
    const accepted = await loadDefinition(await tempDefinition('accepted.yaml', text('region', 'stop')));
    expect([accepted.stages[1]?.lanes, accepted.stages[1]?.onLaneFailure]).toEqual(['region', 'stop']);
  });

  it('describes both keys in the JSON Schema editors read', () => {
    const text = JSON.stringify(nativeJsonSchema());
    expect(text).toContain('"lanes":{"description":"How runOrder orders the stage\'s actions across regions.');
    expect(text).toContain('"enum":["region","stage"]');
    expect(text).toContain('"onLaneFailure":{"description":"In region lanes, what the other lanes do when one fails.');
    expect(text).toContain('"enum":["stop","continue"]');
  });
});

describe('template Metadata.Meridian.Lanes and OnLaneFailure', () => {
  it("sets the named stages' lanes and onLaneFailure; an action without Region is stage-wide", async () => {
    const file = await tempDefinition('template.yaml', template('        Lanes: { Deploy: region }\n        OnLaneFailure: { Deploy: continue }\n'));
    const pipeline = await loadDefinition(file);
    const deploy = pipeline.stages[1];
    expect([deploy?.lanes, deploy?.onLaneFailure]).toEqual(['region', 'continue']);
    expect(deploy?.actions.map((a) => [a.name, a.region, a.homeByDefault])).toEqual([
      ['eu', 'eu-west-1', undefined],
      ['us', 'us-east-1', undefined],
      ['gate', 'eu-west-1', true],
    ]);
    expect(pipeline.stages[0]).not.toHaveProperty('lanes');
  });

  it('refuses an unknown stage with a did-you-mean, and an unknown value with the allowed words, at their places', async () => {
    const file = await tempDefinition(
      'template.yaml',
      template('        Lanes: { Deploy: regoin, Deplyo: stage }\n        OnLaneFailure: { Deploy: [stop] }\n        Lane: {}\n'),
    );
    const problems = await problemsOf(file);
    expect(problemAt(problems, file, 6, 26)).toMatchObject({
      message: 'Metadata.Meridian.Lanes.Deploy must be `region` or `stage`',
      hint: 'did you mean `region`?',
    });
    expect(problemAt(problems, file, 6, 34)).toMatchObject({
      message: 'Metadata.Meridian.Lanes names stage Deplyo, which this pipeline does not have',
      hint: 'did you mean `Deploy`?',
    });
    expect(problemAt(problems, file, 7, 34)).toMatchObject({
      message: 'Metadata.Meridian.OnLaneFailure.Deploy must be `stop` or `continue`',
      hint: 'write `Deploy: stop`',
    });
    expect(problemAt(problems, file, 8, 9)).toMatchObject({ message: 'unknown key `Lane` in Metadata.Meridian', hint: 'did you mean `Lanes`?' });
  });

  it('refuses Lanes stage and OnLaneFailure continue on a stage the rollout orders, at their places in the metadata', async () => {
    const file = await tempDefinition(
      'template.yaml',
      template('        Rollout: { waves: [[eu-west-1], [us-east-1]] }\n        Lanes: { Deploy: stage }\n        OnLaneFailure: { Deploy: continue }\n'),
    );
    const problems = await problemsOf(file);
    expect(problems).toHaveLength(2);
    const lanes = problemAt(problems, file, 7, 26);
    expect(lanes.message).toMatch(/^`Deploy: stage` in Metadata\.Meridian\.Lanes cannot apply: stage Deploy deploys to several regions in the rollout's waves/);
    expect(lanes.hint).toBe(
      'remove Deploy from Metadata.Meridian.Lanes (or write `Deploy: region` in Metadata.Meridian.Lanes); runOrder is stage-wide, as CodePipeline runs it, only in a pipeline without Metadata.Meridian.Rollout',
    );
    const onFailure = problemAt(problems, file, 8, 34);
    expect(onFailure.message).toMatch(/^`Deploy: continue` in Metadata\.Meridian\.OnLaneFailure cannot apply/);
    expect(onFailure.hint).toContain('remove Deploy from Metadata.Meridian.OnLaneFailure');
  });
});
