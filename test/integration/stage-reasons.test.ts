/**
 * Why a stage or an execution failed or stopped is in the execution summary (`run --json`,
 * `show --json`, GET /api/executions/{id}), not only the errors of its actions: a rollout's
 * failed health check with its region and answer and the rollback it started, a failed stage
 * condition, a stop with its reason. Real git, real release folders, real HTTP, real serve.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { eventually, finished, runCli, startCli } from '../helpers/cli.js';
import { commit, makeRepo } from '../helpers/git-repo.js';
import { ended, startServe } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Release actions per region, then a rollout whose checks ask each region's `port`. */
const released = (repo: string, eu: number, us: number): string => `pipeline: reasons
regions:
  eu-west-1: { timezone: Europe/Dublin, values: { port: "${eu}" } }
  us-east-1: { timezone: America/New_York, values: { port: "${us}" } }
sources:
  src: { git: ${repo} }
stages:
  - name: Deploy
    forEach: region
    actions:
      - name: \${region}-release
        uses: release
        inputs: [src]
        with: { target: "deploy/\${region}", mode: deploy }
rollout:
  waves: [[eu-west-1], [us-east-1]]
  bake: 1s
  checks: [{ http: "http://127.0.0.1:\${region.port}/health" }]
  rollback: region
`;

describe('reasons in the execution summary', () => {
  let healthy: http.Server;
  let port: number;
  beforeAll(async () => {
    healthy = http.createServer((_request, response) => response.writeHead(200).end('ok'));
    await new Promise<void>((resolve) => healthy.listen(0, '127.0.0.1', resolve));
    port = (healthy.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => healthy.close(() => resolve()));
  });

  it('run --json of a stage failed by its rollout health checks names the check, the region, its answer and the rollback', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const file = path.join(dir, 'reasons.yaml');
    const repo = makeRepo({ VERSION: '1' });
    writeFiles(dir, { 'reasons.yaml': released(repo, port, port) });
    const first = await runCli(['run', '-f', file, '--state-dir', state, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const good = JSON.parse(first.stdout) as ExecutionSummary;
    expect(good.error).toBeNull();
    expect(good.stages.map((s) => s.error)).toEqual([null, null]);

    // Release 2's us-east-1 answers nowhere: wave 2's check fails, us-east-1 goes back to release 1.
    const closed = await closedPort();
    commit(repo, { VERSION: '2' }, 'Release 2');
    writeFiles(dir, { 'reasons.yaml': released(repo, port, closed) });
    const second = await runCli(['run', '-f', file, '--state-dir', state, '--json']);
    expect(second.code, second.stderr).toBe(1);
    const bad = JSON.parse(second.stdout) as ExecutionSummary;
    const deploy = bad.stages.find((s) => s.name === 'Deploy')!;
    expect(deploy.status).toBe('Failed');
    expect(deploy.actions.map((a) => a.status)).toEqual(['Succeeded', 'Succeeded']);
    const check = `GET http://127.0.0.1:${closed}/health in us-east-1: no answer: fetch failed (connect ECONNREFUSED 127.0.0.1:${closed})`;
    expect(deploy.error).toEqual({
      code: 'HEALTH_CHECK_FAILED',
      message: `health check failed during the bake of wave 2: ${check}; rolled back us-east-1 to release ${good.executionId}`,
      regions: ['us-east-1'],
      rollback: [{ region: 'us-east-1', execution: good.executionId, release: good.executionId, rollbackExecution: expect.any(String) as string }],
    });
    expect(bad.error).toMatchObject({ code: 'HEALTH_CHECK_FAILED', message: `stage Deploy: ${deploy.error!.message}` });

    // The plain text of show says it too, on the stage's line.
    const shown = await runCli(['show', bad.executionId, '--state-dir', state]);
    expect(shown.stdout).toContain(`Deploy Failed health check failed during the bake of wave 2: ${check}`);
  }, 90_000);

  it('a stage failed by its BeforeEntry condition gives the condition and its rule', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const file = path.join(dir, 'template.yaml');
    fs.writeFileSync(
      file,
      `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: gated
      PipelineType: V2
      RoleArn: arn:aws:iam::000000000000:role/pipeline
      ArtifactStore: { Type: S3, Location: gated-artifacts }
      Stages:
        - Name: Source
          Actions:
            - Name: app
              Namespace: SourceVariables
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeStarSourceConnection, Version: '1' }
              Configuration: { ConnectionArn: 'arn:aws:codeconnections:eu-west-1:000000000000:connection/x', FullRepositoryId: acme/gated, BranchName: main }
              OutputArtifacts: [{ Name: app }]
        - Name: Deploy
          BeforeEntry:
            Conditions:
              - Result: FAIL
                Rules:
                  - Name: release-branch
                    RuleTypeId: { Category: Rule, Owner: AWS, Provider: VariableCheck, Version: '1' }
                    Configuration: { Variable: '#{SourceVariables.BranchName}', Value: release, Operator: EQ }
          Actions:
            - Name: deploy
              ActionTypeId: { Category: Compute, Owner: AWS, Provider: Commands, Version: '1' }
              InputArtifacts: [{ Name: app }]
              Commands: [echo deployed]
`,
    );
    const result = await runCli(['run', '-f', file, '--source', `app=${makeRepo({ VERSION: '1' })}`, '--state-dir', state, '--json']);
    expect(result.code, result.stderr).toBe(1);
    const summary = JSON.parse(result.stdout) as ExecutionSummary;
    const deploy = summary.stages.find((s) => s.name === 'Deploy')!;
    expect(deploy.status).toBe('Failed');
    expect(deploy.actions.map((a) => a.status)).toEqual(['Skipped']);
    expect(deploy.error?.code).toBe('CONDITION_FAILED');
    expect(deploy.error?.message).toMatch(
      /^BeforeEntry condition 1 \(FAIL\) not met: rule release-branch \(VariableCheck\) failed: .*main.* EQ .*release.* is false$/,
    );
    expect(summary.error).toEqual({ code: 'CONDITION_FAILED', message: `stage Deploy: ${deploy.error!.message}` });
  }, 60_000);

  it('show --json of a stopped execution gives the stop with its reason, on the execution and its stage', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const marks = path.join(dir, 'marks');
    writeFiles(dir, {
      'stoppable.yaml': `pipeline: stoppable
sources:
  src: { git: ${makeRepo({ VERSION: '1' })} }
stages:
  - name: Deploy
    actions:
      - { name: long, uses: commands, inputs: [src], commands: ["echo started >> ${marks}", "sleep 60"] }
`,
    });
    const child = startCli(['run', '-f', path.join(dir, 'stoppable.yaml'), '--state-dir', state, '--json']);
    await eventually(() => fs.existsSync(marks) || undefined, 30_000, 'the action to start');
    const listed = JSON.parse((await runCli(['executions', '--json', '--state-dir', state])).stdout) as Array<{ executionId: string }>;
    const id = listed[0]!.executionId;
    const stopped = await runCli(['stop', id, '--abandon', '--reason', 'freeze for the audit', '--state-dir', state]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect((await finished(child)).code).toBe(1);

    const summary = JSON.parse((await runCli(['show', id, '--json', '--state-dir', state])).stdout) as ExecutionSummary;
    const stop = { code: 'STOPPED', message: 'stopped on request (stop and abandon): freeze for the audit' };
    expect(summary.status).toBe('Stopped');
    expect(summary.error).toEqual(stop);
    const deploy = summary.stages.find((s) => s.name === 'Deploy')!;
    expect(deploy.status).toBe('Stopped');
    expect(deploy.error).toEqual(stop);
  }, 60_000);

  it('GET /api/executions/{id} on a live serve gives the failed stage its reason', async () => {
    const dir = tempDir();
    const closed = await closedPort();
    writeFiles(dir, { 'reasons.yaml': released(makeRepo({ VERSION: '1' }), closed, port) });
    const served = await startServe(['-f', path.join(dir, 'reasons.yaml'), '--state-dir', path.join(dir, 'state')]);
    try {
      const started = await served.api<{ executionId: string }>('POST', '/api/pipelines/reasons/executions', {});
      expect(started.status).toBe(201);
      await ended(served, started.body.executionId);
      const { body } = await served.api<ExecutionSummary>('GET', `/api/executions/${started.body.executionId}`);
      expect(body.status).toBe('Failed');
      const deploy = body.stages.find((s) => s.name === 'Deploy')!;
      expect(deploy.error).toEqual({
        code: 'HEALTH_CHECK_FAILED',
        message: `health check failed during the bake of wave 1: GET http://127.0.0.1:${closed}/health in eu-west-1: no answer: fetch failed (connect ECONNREFUSED 127.0.0.1:${closed}); nothing to roll back to in eu-west-1 (no earlier good run there)`,
        regions: ['eu-west-1'],
        rollback: [{ region: 'eu-west-1', execution: null }],
      });
      expect(body.error?.code).toBe('HEALTH_CHECK_FAILED');
    } finally {
      await served.stop();
    }
  }, 90_000);
});
