/**
 * A pipeline variable's value is "anything except an empty string" (StartPipelineExecution):
 * `meridian run --variable NAME=` is refused before anything starts, as the API refuses it
 * (test/server/api.test.ts).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe('meridian run --variable', () => {
  it('refuses an empty value before any execution starts', async () => {
    const dir = tempDir();
    const repo = makeRepo({ 'README.md': 'shop' });
    writeFiles(dir, {
      'pipeline.yaml': [
        'pipeline: shop',
        'variables:',
        '  GREETING: hi',
        'sources:',
        `  src: { git: ${repo} }`,
        'stages:',
        '  - name: Build',
        '    actions:',
        '      - name: talk',
        '        uses: commands',
        '        inputs: [src]',
        "        commands: ['echo #{variables.GREETING}']",
        '',
      ].join('\n'),
    });
    const stateDir = path.join(dir, 'state');
    const file = path.join(dir, 'pipeline.yaml');
    const run = await runCli(['run', '-f', file, '--state-dir', stateDir, '--variable', 'GREETING='], { cwd: dir });
    expect(run.stderr).toContain('pipeline variable GREETING is given an empty value, which CodePipeline refuses');
    expect(run.stderr).toContain('pass --variable GREETING=VALUE, or leave it out to use its default');
    expect(run.code).toBe(2);
    const executions = await runCli(['executions', '--state-dir', stateDir, '--json'], { cwd: dir });
    expect(JSON.parse(executions.stdout)).toEqual([]);
  }, 60_000);
});
