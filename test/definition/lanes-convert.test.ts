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
import { tempDefinition } from './helpers.js';

const SEED_SHAPE = fileURLToPath(new URL('../../examples/orders/orders.template.yaml', import.meta.url));
const SEED_EXPORTS = {
  OrdersBuildRole: 'arn:aws:iam::111122223333:role/orders-build',
  OrdersPipelineRole: 'arn:aws:iam::111122223333:role/orders-pipeline',
  OrdersDeployRole: 'arn:aws:iam::111122223333:role/orders-deploy',
};

/** `meridian import` of `file`: the native text, which must compile to the same model. */
async function imported(file: string, options: LoadOptions = {}): Promise<{ text: string; original: Pipeline; native: Pipeline }> {
  const original = await loadDefinition(file, options);
  const output = path.join(path.dirname(file), 'imported.meridian.yaml');
  const result = importPipeline(original, { text: await readFile(file, 'utf8'), file, outputFile: output });
  const native = compileDefinition(result.text, output);
  expect(firstDifference(native, original)).toBeUndefined();
  return { text: result.text, original, native };
}

/** `meridian export --format codepipeline` of a native file: the template, which must compile to the same model. */
async function exported(file: string): Promise<{ file: string; text: string; notes: string[]; actions: Array<Record<string, unknown>> }> {
  const original = await loadDefinition(file);
  const source = await readFile(file, 'utf8');
  const result = toCodePipeline(original, nativeExtras(parseYaml(source, file).doc.toJS()), path.basename(file));
  const templateFile = await tempDefinition('exported.template.yaml', result.text);
  expect(firstDifference(await loadDefinition(templateFile), original)).toBeUndefined();
  const data = parseYaml(result.text, templateFile).doc.toJS() as {
    Resources: { Pipeline: { Properties: { Stages: Array<{ Actions: Array<Record<string, unknown>> }> } } };
  };
  return { file: templateFile, text: result.text, notes: result.notes, actions: data.Resources.Pipeline.Properties.Stages.flatMap((s) => s.Actions) };
}

describe('region lanes through export and import', () => {
  it("a native file's lanes, onLaneFailure and written regions survive export and import; an action that names no region stays stage-wide", async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: shop
regions:
  eu-west-1: { timezone: Europe/Dublin, bucket: eu-artifacts }
  us-east-1: { timezone: America/New_York, bucket: us-artifacts }
windows: { policy: disruptive-only, allow: "Mon-Fri 01:00-05:00" }
stages:
  - name: Source
    actions:
      - { name: src, uses: Source/AWS/CodeStarSourceConnection, outputs: [src], with: { ConnectionArn: arn, FullRepositoryId: acme/shop, BranchName: main } }
  - name: Prepare
    forEach: region
    lanes: region
    onLaneFailure: continue
    actions:
      - { name: "\${region}-prepare", uses: commands, inputs: [src], commands: ["./prepare.sh \${region}"] }
  - name: Switch
    actions:
      - { name: eu-switch, uses: commands, region: eu-west-1, runOrder: 1, inputs: [src], commands: ["./switch.sh"] }
      - { name: approve, uses: approval, runOrder: 2 }
      - { name: us-switch, uses: commands, region: us-east-1, runOrder: 3, inputs: [src], commands: ["./switch.sh"] }
  - name: Notify
    lanes: stage
    actions:
      - { name: notify, uses: commands, inputs: [src], commands: ["true"] }
`,
    );
    const template = await exported(file);
    expect(template.text).toContain('Lanes: { Prepare: region, Notify: stage }');
    expect(template.text).toContain('OnLaneFailure: { Prepare: continue }');
    expect(template.notes.some((note) => note.startsWith('lanes: CodePipeline runs runOrder stage-wide'))).toBe(true);
    // `Region` exactly where the native file named one: the home region's switch has it, the approval and the source do not.
    expect(template.actions.map((a) => [a.Name, a.Region])).toEqual([
      ['src', undefined],
      ['eu-west-1-prepare', 'eu-west-1'],
      ['us-east-1-prepare', 'us-east-1'],
      ['eu-switch', 'eu-west-1'],
      ['approve', undefined],
      ['us-switch', 'us-east-1'],
      ['notify', undefined],
    ]);

    const back = await imported(template.file);
    expect(firstDifference(back.native, await loadDefinition(file))).toBeUndefined();
    expect(back.text).toContain('  - name: Prepare\n    forEach: region\n    lanes: region\n    onLaneFailure: continue\n');
    expect(back.text).toContain('  - name: Notify\n    lanes: stage\n');
    expect(back.text).toContain('      - name: eu-switch\n        uses: commands\n        region: eu-west-1\n');
    expect(back.text).toContain('      - { name: approve, uses: approval, runOrder: 2 }\n');
    expect(back.native.stages[2]?.actions.map((a) => a.homeByDefault)).toEqual([undefined, true, undefined]);
  });

  it('imports the seed-shaped template with Lanes and per-region windows into one forEach entry per step, and exports it back with every Region', async () => {
    const seed = await readFile(SEED_SHAPE, 'utf8');
    const withLanes = seed.replace(
      '  OrdersPipeline:\n    Type: AWS::CodePipeline::Pipeline\n',
      `  OrdersPipeline:
    Type: AWS::CodePipeline::Pipeline
    Metadata:
      Meridian:
        Regions:
          eu-west-1: { TimeZone: Europe/Dublin, Windows: { allow: "Mon-Fri 01:00-05:00" } }
          us-east-1: { TimeZone: America/New_York, Windows: { allow: "Mon-Fri 01:00-05:00" } }
          ap-southeast-2: { TimeZone: Australia/Sydney, Windows: { allow: "daily 02:00-04:00" } }
        Lanes: { Deploy: region }
`,
    );
    expect(withLanes).not.toBe(seed);
    const file = await tempDefinition('orders.template.yaml', withLanes);
    const { text, original, native } = await imported(file, { exports: SEED_EXPORTS });
    expect(original.stages[2]?.lanes).toBe('region');
    expect(original.stages[2]?.actions.every((a) => a.homeByDefault === undefined)).toBe(true);
    expect(text).toContain('  - name: Deploy\n    forEach: region\n    lanes: region\n    actions:\n');
    expect(text.match(/uses: cloudformation/g)).toHaveLength(3);
    expect(text).toContain(
      '  ap-southeast-2:\n    timezone: Australia/Sydney\n    bucket: "#{parameters.ApArtifacts}"\n    values: { code: ap }\n    windows: { allow: daily 02:00-04:00 }\n',
    );
    expect(native.stages[2]?.actions.map((a) => `${a.name}@${a.region}#${a.runOrder}`)).toEqual(
      original.stages[2]?.actions.map((a) => `${a.name}@${a.region}#${a.runOrder}`),
    );

    const again = await exported(await tempDefinition('meridian.yaml', text));
    expect(again.text).toContain('Lanes: { Deploy: region }');
    const deploy = again.actions.filter((a) => typeof a.Name === 'string' && /-(base|plan|apply)$/.test(a.Name));
    expect(deploy.map((a) => a.Region)).toEqual([
      'eu-west-1',
      'us-east-1',
      'ap-southeast-2',
      'eu-west-1',
      'us-east-1',
      'ap-southeast-2',
      'eu-west-1',
      'us-east-1',
      'ap-southeast-2',
    ]);
    expect(again.actions.filter((a) => a.Name === 'fetch' || a.Name === 'build').map((a) => a.Region)).toEqual([undefined, undefined]);
  });

  it('writes a template stage that mixes per-region actions with one that names no region action by action, each keeping whether it named its region', async () => {
    const file = await tempDefinition(
      'template.yaml',
      `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
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
            - { Name: eu-west-1, ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: '1' }, Commands: ['true'], InputArtifacts: [{ Name: src }] }
            - { Name: us-east-1, Region: us-east-1, ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: '1' }, Commands: ['true'], InputArtifacts: [{ Name: src }] }
`,
    );
    // Were the home region's action collapsed with the other into `forEach`, it would name its region: not the same pipeline.
    const { text, native } = await imported(file);
    expect(text).not.toContain('forEach');
    expect(native.stages[1]?.actions.map((a) => [a.region, a.homeByDefault])).toEqual([
      ['eu-west-1', true],
      ['us-east-1', undefined],
    ]);
  });
});
