import { describe, expect, it } from 'vitest';
import { parseOnFailure } from '../../../src/providers/codebuild/on-failure.js';
import { failed, output, runBuildspec, succeeded } from './build.js';

/** install runs `installCommand` with `onFailure`; every later phase echoes its name. */
function spec(onFailure: string, installCommand = 'exit 3', phase = 'install'): string {
  const body = (name: string): string =>
    name === phase
      ? `  ${name}:\n    on-failure: ${onFailure}\n    commands:\n      - echo ${name}\n      - ${installCommand}\n`
      : `  ${name}:\n    commands:\n      - echo ${name}\n`;
  return `version: 0.2\nphases:\n${['install', 'pre_build', 'build', 'post_build'].map(body).join('')}`;
}

describe('codebuild: on-failure', () => {
  it('parses ABORT, CONTINUE, RETRY, RETRY-n, RETRY-regex and RETRY-n-regex (CB-SPEC on-failure)', () => {
    expect(parseOnFailure('ABORT')).toEqual({ mode: 'ABORT' });
    expect(parseOnFailure('CONTINUE')).toEqual({ mode: 'CONTINUE' });
    expect(parseOnFailure('RETRY')).toEqual({ mode: 'RETRY', count: 3 });
    expect(parseOnFailure('RETRY-2')).toEqual({ mode: 'RETRY', count: 2 });
    expect(parseOnFailure('RETRY-timed out')).toEqual({ mode: 'RETRY', count: 3, pattern: 'timed out' });
    expect(parseOnFailure('RETRY-5-status [0-9]+')).toEqual({ mode: 'RETRY', count: 5, pattern: 'status [0-9]+' });
    expect(parseOnFailure('RETRY-12abc')).toEqual({ mode: 'RETRY', count: 3, pattern: '12abc' });
    expect(parseOnFailure('RETRY-101')).toEqual({ problem: expect.stringContaining('0 to 100') });
    expect(parseOnFailure('STOP')).toEqual({ problem: expect.stringContaining('not one of') });
  });

  it('ABORT after a BUILD failure skips POST_BUILD and the artifact upload (CB-SPEC on-failure)', async () => {
    const run = await runBuildspec(spec('ABORT', 'exit 3', 'build') + "artifacts:\n  files: ['**/*']\n", { outputs: ['out'] });
    expect(failed(run).message).toContain('BUILD failed');
    expect(output(run.log)).toEqual(['install', 'pre_build', 'build']);
    expect(run.log).not.toContain('UPLOAD_ARTIFACTS');
  });

  it('CONTINUE after an INSTALL failure runs the next phases, and the build still fails (CB-SPEC on-failure, inferred outcome)', async () => {
    const run = await runBuildspec(spec('CONTINUE'));
    expect(failed(run).message).toBe('INSTALL failed: Error while executing command: exit 3. Reason: exit status 3');
    expect(output(run.log)).toEqual(['install', 'pre_build', 'build', 'post_build']);
  });

  it('RETRY retries the whole build from fresh inputs until it succeeds (CB-SPEC on-failure)', async () => {
    // Counts attempts outside the source folder (which a retry resets); fails twice.
    const run = await runBuildspec(undefined, {
      prepare: async (test) => {
        const { writeFile } = await import('node:fs/promises');
        const counter = `${test.ctx.workDir}/attempts`;
        await writeFile(
          `${test.ctx.inputs.get('src')}/buildspec.yml`,
          spec('RETRY', `echo x >> ${counter}; n=$(wc -l < ${counter}); touch dirty-$n; [ $(ls dirty-* | wc -l) -eq 1 ] || echo NOT FRESH; [ $n -ge 3 ]`),
        );
      },
    });
    succeeded(run);
    expect(run.log.match(/Retrying the build/g)).toHaveLength(2);
    expect(output(run.log)).toEqual(['install', 'install', 'install', 'pre_build', 'build', 'post_build']);
  });

  it('RETRY-n stops after n retries and the last attempt follows the default transitions (CB-SPEC on-failure, inferred)', async () => {
    const run = await runBuildspec(spec('RETRY-1', 'exit 3', 'build'));
    expect(failed(run).message).toContain('BUILD failed');
    expect(run.log.match(/Retrying the build/g)).toHaveLength(1);
    // First attempt stops at BUILD (a retry follows); the last runs POST_BUILD as a failed BUILD does.
    expect(output(run.log)).toEqual(['install', 'pre_build', 'build', 'install', 'pre_build', 'build', 'post_build']);
  });

  it('RETRY-regex retries only when the regex matches the error message (CB-SPEC on-failure)', async () => {
    const matching = await runBuildspec(spec('RETRY-1-exit status [3]', 'exit 3'));
    expect(matching.log.match(/Retrying the build/g)).toHaveLength(1);
    const other = await runBuildspec(spec('RETRY-exit status 9', 'exit 3'));
    expect(failed(other).message).toContain('INSTALL failed');
    expect(other.log).not.toContain('Retrying the build');
    expect(output(other.log)).toEqual(['install']);
  });

  it('RETRY-0 never retries', async () => {
    const run = await runBuildspec(spec('RETRY-0'));
    failed(run);
    expect(run.log).not.toContain('Retrying the build');
  });
});
