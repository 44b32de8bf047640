/**
 * The CLI's commands that read or steer executions, pointed at a running server with
 * `--server URL` and `MERIDIAN_TOKEN` instead of a state dir.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runCli, startCli, finished } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ADMIN_TOKEN, ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe('CLI commands against a server', () => {
  let served: Served;
  const cli = (args: string[]) => runCli([...args, '--server', served.url], { env: { MERIDIAN_TOKEN: ADMIN_TOKEN } });

  beforeAll(async () => {
    const repo = makeRepo({ 'README.md': 'x' });
    const dir = tempDir();
    writeFiles(dir, {
      'p.yaml': `pipeline: steer
sources:
  src: { git: ${repo} }
stages:
  - name: Gate
    actions:
      - { name: go, uses: approval }
  - name: Build
    actions:
      - name: build
        uses: commands
        inputs: [src]
        commands: ['for i in 1 2 3; do echo "step $i"; sleep 0.2; done', 'test -f FAIL_ME && exit 3 || true']
`,
    });
    served = await startServe(['-f', path.join(dir, 'p.yaml'), '--state-dir', path.join(dir, 'state')]);
  });
  afterAll(async () => {
    await served.stop();
  });

  it('lists, shows, approves and follows logs through the API', async () => {
    const { executionId } = (await served.api<{ executionId: string }>('POST', '/api/pipelines/steer/executions', {})).body;
    await eventually(
      async () => (await served.api<Summary>('GET', `/api/executions/${executionId}`)).body.stages[1]?.actions[0]?.status === 'Waiting',
      30_000,
      'the approval',
    );

    const listed = await cli(['executions', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        executionId,
        pipeline: 'steer',
        status: 'InProgress',
        startedAt: expect.any(String),
        endedAt: null,
        trigger: expect.objectContaining({ type: 'api' }) as unknown,
        commit: expect.stringMatching(/^[0-9a-f]{40}$/) as unknown,
      },
    ]);
    const table = (await cli(['executions'])).stdout.trimEnd().split('\n');
    expect(table[0]!.split(/\s{2,}/)).toEqual(['EXECUTION', 'PIPELINE', 'STATUS', 'STARTED', 'DURATION', 'TRIGGER', 'COMMIT']);
    expect(table[1]!.split(/\s{2,}/)).toEqual([executionId, 'steer', 'InProgress', expect.any(String), '-', 'api', expect.stringMatching(/^[0-9a-f]{7}$/)]);

    // Follow the logs from before the action runs to the end of the execution.
    const follow = startCli(['logs', executionId, 'build', '-f', '--server', served.url], { env: { MERIDIAN_TOKEN: ADMIN_TOKEN } });
    const approved = await cli(['approve', executionId, 'go', '--comment', 'fine']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toBe(`go approved in execution ${executionId} by admin (MERIDIAN_TOKEN).\n`);
    const followed = await finished(follow);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toContain('step 1\n');
    expect(followed.stdout).toContain('step 3\n');

    const shown = await cli(['show', executionId, '--events']);
    expect(shown.stdout).toContain(`Execution ${executionId} of steer: Succeeded`);
    expect(shown.stdout).toContain('go approved by admin (MERIDIAN_TOKEN): fine');
  }, 60_000);

  it('stops an execution, and reports a server error with its exit code', async () => {
    const { executionId } = (await served.api<{ executionId: string }>('POST', '/api/pipelines/steer/executions', {})).body;
    await eventually(
      async () => (await served.api<Summary>('GET', `/api/executions/${executionId}`)).body.stages[1]?.actions[0]?.status === 'Waiting',
      30_000,
      'the approval',
    );
    const stopped = await cli(['stop', executionId, '--abandon', '--reason', 'not today']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect((await ended(served, executionId)).status).toBe('Stopped');

    const retry = await cli(['retry', executionId, '--stage', 'Build']);
    expect(retry.code).toBe(2);
    expect(retry.stderr).toContain('stage Build is Skipped; only a Failed or Stopped stage can be retried');
    const missing = await cli(['show', 'no-such-execution']);
    expect(missing.code).toBe(2);
    const noToken = await runCli(['executions', '--server', served.url], { env: { MERIDIAN_TOKEN: '' } });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('set MERIDIAN_TOKEN');
  }, 60_000);
});
