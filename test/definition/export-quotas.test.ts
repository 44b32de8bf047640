/**
 * `meridian export --format codepipeline` of a native file notes where CodePipeline would refuse
 * the template (its quotas, test/definition/codepipeline-quotas.test.ts), and leaves out a timeout
 * CodePipeline does not take, so the template it writes still loads.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/load-definition.js';
import { nativeExtras, toCodePipeline } from '../../src/definition/convert/to-codepipeline.js';
import { parseYaml } from '../../src/lib/yaml/parse-yaml.js';
import { tempDefinition } from './helpers.js';

const NATIVE = `pipeline: quotas
regions: { eu-west-1: {} }
sources:
  src: { git: . }
stages:
  - name: Deploy
    actions:
      - name: build
        uses: commands
        inputs: [src]
        timeout: 30m
        commands: ['echo hi']
      - name: approve
        uses: approval
        timeout: 90s
      - name: stack
        uses: cloudformation
        inputs: [src]
        with: { ActionMode: CREATE_UPDATE, StackName: quotas, TemplatePath: src::app.yaml, ParameterOverrides: '${JSON.stringify({ Big: 'x'.repeat(1100) })}' }
`;

describe('export --format codepipeline and CodePipeline quotas', () => {
  it('notes what CodePipeline would refuse and leaves out a timeout it does not take', async () => {
    const file = await tempDefinition('quotas.meridian.yaml', NATIVE);
    const pipeline = await loadDefinition(file);
    const result = toCodePipeline(pipeline, nativeExtras(parseYaml(NATIVE, file).doc.toJS()), path.basename(file));
    expect(result.notes).toContain(
      'action build: its timeout (30 min) is left out: CodePipeline takes TimeoutInMinutes on the Manual approval only and gives Compute/AWS/Commands its fixed timeout',
    );
    expect(result.notes).toContain('action approve: its timeout is raised to 5 minutes, the least CodePipeline takes for a Manual approval');
    expect(result.notes.filter((note) => note.startsWith('action stack:'))).toEqual([
      'action stack: CodePipeline would refuse this template: ParameterOverrides is 1110 bytes; CodePipeline takes at most 1 KB (1024 bytes) of JSON (move the values into a TemplateConfiguration file (`Artifact::params.json` with {"Parameters": {...}}) and keep only the overrides here)',
    ]);
    expect(result.text).toMatch(/^#.*- action stack: CodePipeline would refuse this template/m);

    // What is left is refused only for the ParameterOverrides the note names.
    const exported = await tempDefinition('exported.template.yaml', result.text);
    await expect(loadDefinition(exported)).rejects.toMatchObject({ problems: [{ message: expect.stringContaining('ParameterOverrides is 1110 bytes') }] });
  });
});
