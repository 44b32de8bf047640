/**
 * RetryStageExecution is refused once the pipeline's structure changed since that execution
 * (docs/aws-behaviour.md §1.7): after a run of a changed definition, `meridian retry` of the
 * older execution says why instead of re-running the old stages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

// PARALLEL: a later execution entering the stage does not itself end the older one's retry.
const definition = (repo: string, flag: string, extra: string): string => `pipeline: shop
executionMode: PARALLEL
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - name: flaky
        uses: commands
        inputs: [src]
        commands: ["test -f ${flag}"]
${extra}`;

describe('meridian retry and a changed pipeline', () => {
  it('refuses to retry an execution whose pipeline structure changed since', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const flag = path.join(dir, 'flag');
    const file = path.join(dir, 'pipeline.yaml');
    fs.writeFileSync(file, definition(repo, flag, ''));
    const first = await runCli(['run', '-f', file, '--state-dir', state, '--json']);
    expect(first.code).toBe(1);
    const id = (JSON.parse(first.stdout) as { executionId: string }).executionId;

    // The same structure written differently (a comment moves every line) does not count.
    fs.writeFileSync(file, `# shop\n${definition(repo, flag, '')}`);
    expect((await runCli(['run', '-f', file, '--state-dir', state, '--json'])).code).toBe(1);
    const same = await runCli(['retry', id, '--state-dir', state, '--json']);
    expect(same.stderr).not.toContain('structure');
    expect(same.code).toBe(1); // retried, and failed again: the flag is not there yet

    fs.writeFileSync(file, definition(repo, flag, '      - { name: lint, uses: commands, inputs: [src], commands: ["true"] }\n'));
    const second = await runCli(['run', '-f', file, '--state-dir', state, '--json']);
    const secondId = (JSON.parse(second.stdout) as { executionId: string }).executionId;
    fs.writeFileSync(flag, '');
    const retried = await runCli(['retry', id, '--state-dir', state]);
    expect(retried.code).toBe(2);
    expect(retried.stderr).toContain(
      `the structure of pipeline shop changed since execution ${id} (execution ${secondId} runs the new one), so it can no longer be retried; start a new execution instead`,
    );
  }, 90_000);
});
