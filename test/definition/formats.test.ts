import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { fixture, LEDGER_EXPORTS, problemAt, problemsOf, shape, tempDefinition } from './helpers.js';

const BROKEN_JSON = `{
  "pipeline": {
    "name": "json-problems",
    "artifactStores": { "eu-west-1": { "type": "S3", "location": "eu-bucket" } },
    "stages": [
      { "name": "Source", "actions": [
        { "name": "src", "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
          "outputArtifacts": [{ "name": "src" }] } ] },
      { "name": "Deploy", "actions": [
        { "name": "deploy", "actionTypeId": { "category": "Deploy", "owner": "AWS", "provider": "CloudFormation", "version": "1" },
          "region": "us-east-1", "inputArtifacts": [{ "name": "src" }] } ] }
    ]
  },
  "metadata": { "pipelineArn": "arn:aws:codepipeline:eu-west-1:111122223333:json-problems" }
}
`;

describe('one pipeline, three formats', () => {
  it('get-pipeline JSON compiles to the same stages and actions as the template', async () => {
    const template = await loadDefinition(fixture('three-regions.template.yaml'), { exports: LEDGER_EXPORTS });
    const json = await loadDefinition(fixture('three-regions.get-pipeline.json'));
    expect(json.format).toBe('codepipeline-json');
    expect(json.name).toBe('ledger-service');
    // The ARN in `metadata` says where the pipeline lives, although artifactStores lists ap-southeast-2 first.
    expect(json.homeRegion).toBe('eu-west-1');
    expect(json.regions.map((r) => [r.name, r.store.location])).toEqual([
      ['ap-southeast-2', 'ledger-artifacts-pacific'],
      ['eu-west-1', 'ledger-artifacts-europe'],
      ['us-east-1', 'ledger-artifacts-america'],
    ]);
    expect(shape(json)).toEqual(shape(template));
    expect(json.stages[2]!.actions[4]!.configuration).toMatchObject({ TemplatePath: 'bundle::us-east-1.api.yaml', ActionMode: 'CHANGE_SET_REPLACE' });
    const checkout = json.stages[0]!.actions[0]!;
    expect(checkout.location?.line).toBeGreaterThan(1);
  });

  it('native YAML expands three deploy entries into the same nine actions', async () => {
    const template = await loadDefinition(fixture('three-regions.template.yaml'), { exports: LEDGER_EXPORTS });
    const file = fixture('three-regions.meridian.yaml');
    const native = await loadDefinition(file);
    expect(native.format).toBe('native');
    expect(native.homeRegion).toBe('eu-west-1');
    expect(native.regions.map((r) => r.name)).toEqual(template.regions.map((r) => r.name));

    // The native source is Meridian's git source and is named after its artifact; the rest is identical.
    expect(native.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Deploy']);
    expect(native.stages[0]!.actions).toMatchObject([
      { name: 'code', type: { category: 'Source', owner: 'Meridian', provider: 'Git' }, region: 'eu-west-1', outputArtifacts: ['code'] },
    ]);
    expect(shape(native).slice(1)).toEqual(shape(template).slice(1));

    const deploy = native.stages[2]!;
    expect(deploy.actions).toHaveLength(9);
    // Friendly `with:` keys become CodePipeline's configuration keys.
    expect(deploy.actions[0]!.configuration).toEqual({
      ActionMode: 'CREATE_UPDATE',
      StackName: 'ledger-shared',
      TemplatePath: 'code::infra/shared.yaml',
      Capabilities: 'CAPABILITY_IAM',
    });
    expect(deploy.actions[5]!.configuration).toEqual({
      ActionMode: 'CHANGE_SET_REPLACE',
      StackName: 'ledger-api',
      ChangeSetName: 'ledger-release',
      TemplatePath: 'bundle::ap-southeast-2.api.yaml',
    });
    // Expanded actions point at the entry they came from.
    expect(deploy.actions.map((a) => a.location?.line)).toEqual([23, 23, 23, 28, 28, 28, 37, 37, 37]);
    expect(deploy.actions[0]!.location).toEqual({ file, line: 23, col: 9 });
  });

  it('get-pipeline JSON problems point into the JSON, in its camelCase words', async () => {
    const file = await tempDefinition('pipeline.json', BROKEN_JSON);
    const cross = problemAt(await problemsOf(file), file, 11, 21);
    expect(cross).toMatchObject({ message: 'action deploy runs in us-east-1, which has no artifact store', hint: 'add an artifactStores entry for us-east-1' });

    await writeFile(file, BROKEN_JSON.replace('"inputArtifacts"', '"inputArtifact"'), 'utf8');
    const typo = problemAt(await problemsOf(file), file, 11, 34);
    expect(typo).toMatchObject({ message: 'unknown key `inputArtifact` in an action', hint: 'did you mean `inputArtifacts`?' });
  });
});
