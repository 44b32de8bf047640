/** `__proto__` is refused as a key, at its place, in every format: it never vanishes nor reaches a prototype. */
import { afterEach, describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { problemAt, problemsOf, tempDefinition } from './helpers.js';

const MESSAGE = "`__proto__` cannot be a name: Meridian refuses this key rather than keep it, since in JavaScript it would replace an object's prototype";
const HINT = 'rename it, e.g. `proto`: any other name works for a region, source, variable, parameter or configuration key';

afterEach(() => {
  // Nothing a definition holds may reach Object.prototype.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('__proto__ keys', () => {
  it('native: under regions, sources, variables, parameters, env, with and resources', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: p
regions:
  __proto__: { timezone: UTC }
  eu-west-1:
sources:
  "__proto__": { git: /srv/other }
  app: { git: /srv/app }
variables:
  __proto__: 1
parameters:
  __proto__: { default: 1 }
stages:
  - name: Build
    actions:
      - name: test
        uses: commands
        inputs: [app]
        commands: [echo ok]
        env:
          __proto__: x
        with:
          __proto__: { polluted: yes }
resources:
  __proto__: { Type: AWS::CodeBuild::Project }
`,
    );
    const problems = await problemsOf(file);
    const places = [
      [3, 3],
      [6, 3],
      [9, 3],
      [11, 3],
      [20, 11],
      [22, 11],
      [24, 3],
    ] as const;
    expect(problems).toHaveLength(places.length);
    for (const [line, col] of places) expect(problemAt(problems, file, line, col)).toEqual({ location: { file, line, col }, message: MESSAGE, hint: HINT });
  });

  it('a template and get-pipeline JSON refuse it too', async () => {
    const template = await tempDefinition(
      'template.yaml',
      `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      ArtifactStore: { Type: S3, Location: artifacts }
      Stages:
        - Name: Source
          Actions:
            - Name: src
              ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: 1 }
              Configuration: { S3Bucket: sources, S3ObjectKey: app.zip, __proto__: { polluted: yes } }
              OutputArtifacts: [{ Name: src }]
`,
    );
    expect(problemAt(await problemsOf(template), template, 11, 73).message).toBe(MESSAGE);

    const json = await tempDefinition(
      'pipeline.json',
      `{ "pipeline": { "name": "p", "artifactStores": { "__proto__": { "type": "S3", "location": "a" } }, "stages": [] } }\n`,
    );
    expect(problemAt(await problemsOf(json), json, 1, 50).message).toBe(MESSAGE);
  });

  it('reads names that are only close to it, such as proto and constructor', async () => {
    const file = await tempDefinition(
      'meridian.yaml',
      `pipeline: p
regions:
  proto:
  constructor:
sources:
  app: { git: /srv/app }
stages:
  - name: Build
    forEach: region
    actions:
      - name: test-\${region}
        uses: commands
        inputs: [app]
        commands: [echo ok]
`,
    );
    const pipeline = await loadDefinition(file);
    expect(pipeline.regions.map((r) => r.name)).toEqual(['proto', 'constructor']);
    expect(pipeline.stages[1]!.actions.map((a) => a.region)).toEqual(['proto', 'constructor']);
  });
});
