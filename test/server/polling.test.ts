/**
 * A native `poll:` under a real `meridian serve`: the first look records where the branch
 * is; each new commit starts exactly one execution of that commit, also across a restart.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { commit, makeRepo } from '../helpers/git-repo.js';
import { ended, startServe, type Served, type Summary } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe('polling a source for new commits', () => {
  const servers: Served[] = [];
  afterEach(async () => {
    for (const served of servers.splice(0)) await served.stop();
  });

  it('starts one execution per new commit, and none for a commit it has seen', async () => {
    const repo = makeRepo({ VERSION: '1\n' });
    const dir = tempDir();
    writeFiles(dir, {
      'p.yaml': `pipeline: polled
sources:
  app: { git: ${repo}, branch: main, poll: 1s }
stages:
  - name: Build
    actions:
      - { name: build, uses: commands, inputs: [app], commands: ['cat VERSION'] }
`,
    });
    const args = ['-f', path.join(dir, 'p.yaml'), '--state-dir', path.join(dir, 'state')];
    const list = async (served: Served): Promise<Array<{ executionId: string; trigger: { type: string; detail: string } }>> =>
      (await served.api<Array<{ executionId: string; trigger: { type: string; detail: string } }>>('GET', '/api/executions')).body;

    const served = await startServe(args);
    servers.push(served);
    // A few polls go by: the commit that was there at the start builds nothing.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await list(served)).toEqual([]);

    const second = commit(repo, { VERSION: '2\n' }, 'two');
    const [started] = await eventually(
      async () => {
        const executions = await list(served);
        return executions.length > 0 ? executions : undefined;
      },
      20_000,
      'a polled execution',
    );
    expect(started?.trigger).toEqual({ type: 'poll', detail: `new commit ${second.slice(0, 12)} on app` });
    const summary = (await ended(served, started!.executionId)) as Summary & {
      stages: Array<{ actions: Array<{ outputVariables?: Record<string, string> }> }>;
    };
    expect(summary.stages[0]?.actions[0]?.outputVariables?.CommitId).toBe(second);
    await served.stop();

    // After a restart the seen commit is remembered: still one execution; a new commit makes two.
    const again = await startServe(args);
    servers.push(again);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await list(again)).toHaveLength(1);
    const third = commit(repo, { VERSION: '3\n' }, 'three');
    await eventually(async () => ((await list(again)).length === 2 ? true : undefined), 20_000, 'a second polled execution');
    expect((await list(again))[0]?.trigger.detail).toBe(`new commit ${third.slice(0, 12)} on app`);
  }, 90_000);
});
