/**
 * A CodePipeline stage with `OnFailure: { Result: ROLLBACK }`, run by the CLI with real git,
 * real artifacts and real shell commands: when the stage fails in one region, every region
 * where it ran goes back to what the last good execution deployed, by re-running the stage
 * with that execution's artifact.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { runCli } from '../helpers/cli.js';
import { commit, makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

const REGIONS = ['eu-west-1', 'us-east-1'];

/** Each region "deploys" the app's VERSION into live/REGION, then fails when the app says it is broken there. */
const template = (live: string): string => `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: shop
      PipelineType: V2
      ExecutionMode: QUEUED
      RoleArn: arn:aws:iam::000000000000:role/pipeline
      ArtifactStores:
${REGIONS.map((r) => `        - Region: ${r}\n          ArtifactStore: { Type: S3, Location: shop-${r} }`).join('\n')}
      Stages:
        - Name: Source
          Actions:
            - Name: app
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: '1' }
              Configuration: { ConnectionArn: 'arn:aws:codeconnections:eu-west-1:000000000000:connection/x', FullRepositoryId: acme/shop, BranchName: main }
              OutputArtifacts: [{ Name: app }]
        - Name: Deploy
          Actions:
${REGIONS.map(
  (r) => `            - Name: deploy-${r}
              Region: ${r}
              ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: '1' }
              InputArtifacts: [{ Name: app }]
              Commands:
                - mkdir -p ${live}/${r} && cp VERSION ${live}/${r}/VERSION
                - test ! -f broken-${r}`,
).join('\n')}
          OnFailure:
            Result: ROLLBACK
`;

const live = (dir: string, region: string): string => fs.readFileSync(path.join(dir, 'live', region, 'VERSION'), 'utf8').trim();

describe('a ROLLBACK stage condition', () => {
  it("puts every region back to the last good execution's artifact when the stage fails in one", async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const file = path.join(dir, 'template.yaml');
    fs.writeFileSync(file, template(path.join(dir, 'live')));
    const repo = makeRepo({ VERSION: '1' });
    const run = async () => runCli(['run', '-f', file, '--source', `app=${repo}`, '--state-dir', state, '--json']);

    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    const good = (JSON.parse(first.stdout) as ExecutionSummary).executionId;
    for (const region of REGIONS) expect(live(dir, region)).toBe('1');

    // Version 2 deploys everywhere but fails its own test in us-east-1: the stage fails and rolls back.
    commit(repo, { VERSION: '2', 'broken-us-east-1': '' }, 'Version 2');
    const second = await run();
    expect(second.code).toBe(1);
    const bad = (JSON.parse(second.stdout) as ExecutionSummary).executionId;
    for (const region of REGIONS) expect(live(dir, region)).toBe('1');

    const events = (await runCli(['show', bad, '--events', '--state-dir', state])).stdout;
    expect(events).toContain('Stage Deploy failed: OnFailure result ROLLBACK; rolling back eu-west-1, us-east-1');
    expect(events).toContain(`eu-west-1 back to execution ${good}, us-east-1 back to execution ${good}`);
    const listed = JSON.parse((await runCli(['executions', '--json', '--state-dir', state])).stdout) as Array<{ executionId: string; status: string }>;
    expect(listed.map((e) => e.status)).toEqual(['Succeeded', 'Failed', 'Succeeded']);
    const rollback = JSON.parse((await runCli(['show', listed[0]!.executionId, '--json', '--state-dir', state])).stdout) as ExecutionSummary;
    expect(rollback.trigger.type).toBe('rollback');
    expect(rollback.stages.map((s) => [s.name, s.actions.map((a) => `${a.name}:${a.status}`)])).toEqual([
      ['Deploy', REGIONS.map((r) => `deploy-${r}:Succeeded`)],
    ]);

    // Retried, the stage fails again: `meridian retry` carries the new rollback to its end too.
    const retried = await runCli(['retry', bad, '--state-dir', state]);
    expect(retried.code).toBe(1);
    const after = JSON.parse((await runCli(['executions', '--json', '--state-dir', state])).stdout) as Array<{ status: string }>;
    expect(after.map((e) => e.status)).toEqual(['Succeeded', 'Succeeded', 'Failed', 'Succeeded']);
    for (const region of REGIONS) expect(live(dir, region)).toBe('1');
  });

  it('meridian rollback PIPELINE STAGE puts a stage back by hand: each region to its last good run, or all to --to', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const file = path.join(dir, 'template.yaml');
    fs.writeFileSync(file, template(path.join(dir, 'live')));
    const repo = makeRepo({ VERSION: '1' });
    const run = async () =>
      JSON.parse((await runCli(['run', '-f', file, '--source', `app=${repo}`, '--state-dir', state, '--json'])).stdout) as ExecutionSummary;
    const v1 = await run();
    commit(repo, { VERSION: '2' }, 'Version 2');
    const v2 = await run();
    expect([v1.status, v2.status]).toEqual(['Succeeded', 'Succeeded']);
    for (const region of REGIONS) expect(live(dir, region)).toBe('2');

    const back = await runCli(['rollback', 'shop', 'Deploy', '--by', 'ops-oncall', '--state-dir', state, '--json']);
    expect(back.code, back.stderr).toBe(0);
    const rollback = JSON.parse(back.stdout) as ExecutionSummary;
    expect([rollback.trigger.type, rollback.status]).toEqual(['rollback', 'Succeeded']);
    expect(rollback.trigger.detail).toContain(
      `eu-west-1 back to execution ${v1.executionId}, us-east-1 back to execution ${v1.executionId}, after execution ${v2.executionId}: rolled back by ops-oncall`,
    );
    for (const region of REGIONS) expect(live(dir, region)).toBe('1');

    // Forward again in one region only, to the execution named.
    const forward = await runCli(['rollback', 'shop', 'Deploy', '--to', v2.executionId.slice(0, 8), '--region', 'us-east-1', '--state-dir', state, '--json']);
    expect(forward.code, forward.stderr).toBe(0);
    expect([live(dir, 'eu-west-1'), live(dir, 'us-east-1')]).toEqual(['1', '2']);

    const unknownStage = await runCli(['rollback', 'shop', 'Deploi', '--state-dir', state]);
    expect(unknownStage.code).not.toBe(0);
    expect(unknownStage.stderr).toContain('no execution of shop ran a stage named Deploi; its stages: Source, Deploy');
    const toRollback = await runCli(['rollback', 'shop', 'Deploy', '--to', rollback.executionId, '--state-dir', state]);
    expect(toRollback.code).not.toBe(0);
    expect(toRollback.stderr).toContain('is a rollback; roll back to the execution it went back to instead');
  });
});
