import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/** A native pipeline of two regions with windows under `policy`; `deploy` is written under the Deploy stage's name. */
function native(policy: string, deploy = ''): string {
  return `pipeline: lanes
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
windows:
  policy: ${policy}
  allow: "Mon-Fri 01:00-05:00"
sources:
  src: { git: . }
stages:
  - name: Build
    onLaneFailure: continue
    actions:
      - { name: build, uses: commands, commands: ["true"] }
  - name: Deploy${deploy}
    actions:
      - { name: eu-prepare, uses: commands, region: eu-west-1, commands: ["true"] }
      - { name: us-prepare, uses: commands, region: us-east-1, commands: ["true"] }
      - { name: approve, uses: approval, runOrder: 2 }
      - { name: eu-switch, uses: commands, region: eu-west-1, runOrder: 3, commands: ["true"] }
      - { name: us-switch, uses: commands, region: us-east-1, runOrder: 3, commands: ["true"] }
`;
}

function write(name: string, text: string): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, text);
  return file;
}

async function validate(file: string): Promise<{ code: number | null; stdout: string; lines: string[] }> {
  const result = await runCli(['validate', '-f', file, '--state-dir', path.join(path.dirname(file), 'state')]);
  return { code: result.code, stdout: result.stdout, lines: result.stderr.split('\n').filter((line) => line !== '') };
}

const STAGE_WIDE =
  "note: action approve names no region, so when stage Deploy runs in region lanes it is stage-wide and holds every lane (it starts once every region's runOrder 1 succeeded; every region's runOrder 3 waits for it); give it `region:` to put it in that region's lane only";

describe('meridian validate says how region lanes apply', () => {
  it('notes a stage whose order depends on the execution and an action that holds every lane, warns about onLaneFailure that never applies, and exits 0', async () => {
    const file = write('meridian.yaml', native('disruptive-only'));
    const { code, stdout, lines } = await validate(file);
    expect(code).toBe(0);
    expect(stdout).toContain('pipeline lanes is valid');
    expect(lines).toEqual([
      `${file}:12:20: warning: \`onLaneFailure: continue\` never applies: stage Build never runs in region lanes, as none of its Deploy, Invoke or Compute actions names a region`,
      '  remove `onLaneFailure:`, or write `lanes: region` to run the stage in region lanes',
      `${file}:15:5: note: stage Deploy runs in region lanes while windows hold an execution (disruptive ones, under windows.policy disruptive-only), runOrder stage-wide otherwise; write \`lanes: region\` or \`lanes: stage\` to choose`,
      `${file}:19:9: ${STAGE_WIDE}`,
    ]);
  });

  it('under windows.policy always, says every execution runs in lanes; `lanes: region` silences that note, `lanes: stage` every note', async () => {
    const always = write('always.yaml', native('always'));
    const notes = (await validate(always)).lines.filter((line) => line.includes(': note: '));
    expect(notes[0]).toBe(
      `${always}:15:5: note: stage Deploy runs in region lanes: windows hold every execution (windows.policy always), so each region goes through its own runOrders in its own window; write \`lanes: region\` to say so, or \`lanes: stage\` for runOrder stage-wide as CodePipeline runs it`,
    );

    const region = await validate(write('region.yaml', native('disruptive-only', '\n    lanes: region')));
    expect(region.code).toBe(0);
    expect(region.lines.filter((line) => line.includes(': note: '))).toEqual([
      expect.stringContaining(": note: action approve names no region, so in stage Deploy's region lanes it is stage-wide and holds every lane"),
    ]);

    const stage = await validate(write('stage.yaml', native('disruptive-only', '\n    lanes: stage')));
    expect(stage.code).toBe(0);
    expect(stage.lines.filter((line) => line.includes(': note: '))).toEqual([]);
  });

  it('notes nothing for a pipeline without windows: runOrder stays stage-wide, as CodePipeline runs it', async () => {
    const file = write(
      'plain.yaml',
      native('always').replace('  allow: "Mon-Fri 01:00-05:00"\n', '').replace('windows:\n  policy: always\n', '').replace('    onLaneFailure: continue\n', ''),
    );
    const { code, lines } = await validate(file);
    expect(code).toBe(0);
    expect(lines).toEqual([]);
  });

  it('a template: the note names Metadata.Meridian.Lanes, at the stage', async () => {
    const file = write(
      'template.yaml',
      `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Metadata:
      Meridian:
        Windows: { policy: disruptive-only, allow: "Mon-Fri 01:00-05:00" }
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
            - { Name: eu, Region: eu-west-1, ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: '1' }, Commands: ['true'], InputArtifacts: [{ Name: src }] }
            - { Name: us, Region: us-east-1, ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: '1' }, Commands: ['true'], InputArtifacts: [{ Name: src }] }
`,
    );
    const { code, lines } = await validate(file);
    expect(code).toBe(0);
    expect(lines).toEqual([
      `${file}:16:11: note: stage Deploy runs in region lanes while windows hold an execution (disruptive ones, under \`policy: disruptive-only\` in Metadata.Meridian.Windows), runOrder stage-wide otherwise; write \`Deploy: region\` or \`Deploy: stage\` in Metadata.Meridian.Lanes to choose`,
    ]);
  });
});
