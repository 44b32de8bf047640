/**
 * A server that dies or is stopped mid-action loses nothing: after `kill -9` the next start
 * resumes the execution; SIGTERM lets running actions finish within the grace period, exits
 * 0, and what did not finish resumes on the next start.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

function setup(seconds: number): { file: string; stateDir: string } {
  const repo = makeRepo({ 'README.md': 'slow' });
  const dir = tempDir();
  writeFiles(dir, {
    'pipeline.yaml': `pipeline: slow
sources:
  src: { git: ${repo} }
stages:
  - name: Build
    actions:
      - name: build
        uses: commands
        inputs: [src]
        commands: ['sleep ${seconds}', 'echo built']
`,
  });
  return { file: path.join(dir, 'pipeline.yaml'), stateDir: path.join(dir, 'state') };
}

async function startAndWaitForBuild(served: Served): Promise<string> {
  const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/slow/executions', {});
  await eventually(
    async () => {
      const summary = (await served.api<Summary>('GET', `/api/executions/${body.executionId}`)).body;
      return summary.stages.find((s) => s.name === 'Build')?.actions[0]?.status === 'InProgress';
    },
    30_000,
    'build to start',
  );
  return body.executionId;
}

describe('meridian serve across crashes and shutdowns', () => {
  const servers: Served[] = [];
  afterEach(async () => {
    for (const served of servers.splice(0)) await served.stop('SIGKILL');
  });
  const serve = async (args: string[]): Promise<Served> => {
    const served = await startServe(args);
    servers.push(served);
    return served;
  };

  it('kill -9 during an action: the next start resumes the execution to Succeeded', async () => {
    const { file, stateDir } = setup(3);
    const first = await serve(['-f', file, '--state-dir', stateDir]);
    const id = await startAndWaitForBuild(first);
    await first.stop('SIGKILL');

    const second = await serve(['-f', file, '--state-dir', stateDir]);
    expect(second.child.output.stdout).toContain(`Resumed 1 unfinished execution(s): ${id}`);
    const summary = await ended(second, id);
    expect(summary.status).toBe('Succeeded');
    expect(summary.stages.find((s) => s.name === 'Build')?.actions[0]?.attempts).toBe(2);
  }, 90_000);

  it('SIGTERM lets a running action finish within the grace period and exits 0', async () => {
    const { file, stateDir } = setup(2);
    const served = await serve(['-f', file, '--state-dir', stateDir, '--grace', '30']);
    const id = await startAndWaitForBuild(served);
    const exit = await served.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('SIGTERM: no new work');
    expect(exit.stdout).not.toContain('interrupted');

    const again = await serve(['-f', file, '--state-dir', stateDir]);
    const summary = (await again.api<Summary>('GET', `/api/executions/${id}`)).body;
    expect(summary.status).toBe('Succeeded');
    expect(summary.stages.find((s) => s.name === 'Build')?.actions[0]?.attempts).toBe(1);
  }, 90_000);

  it('SIGTERM with an action longer than the grace period: exits 0, and the next start finishes it', async () => {
    const { file, stateDir } = setup(4);
    const served = await serve(['-f', file, '--state-dir', stateDir, '--grace', '0']);
    const id = await startAndWaitForBuild(served);
    const exit = await served.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('1 action(s) still running were interrupted; they resume on the next start');

    const again = await serve(['-f', file, '--state-dir', stateDir]);
    expect(again.child.output.stdout).toContain(`Resumed 1 unfinished execution(s): ${id}`);
    expect((await ended(again, id)).status).toBe('Succeeded');
  }, 90_000);
});
