import { describe, expect, it } from 'vitest';
import { failed, output, runBuildspec, succeeded } from './build.js';

/** A buildspec whose phases echo their names; `fail` makes that phase's command fail. */
function phases(fail?: string, extra: Record<string, string> = {}): string {
  const phase = (name: string): string =>
    `  ${name}:\n${extra[name] ?? ''}    commands:\n      - echo ${name} succeeding=$CODEBUILD_BUILD_SUCCEEDING\n${fail === name ? '      - exit 7\n      - echo never\n' : ''}`;
  return `version: 0.2\nphases:\n${['install', 'pre_build', 'build', 'post_build'].map(phase).join('')}artifacts:\n  files: ['**/*']\n`;
}

describe('codebuild: phase transitions', () => {
  it('runs INSTALL, PRE_BUILD, BUILD, POST_BUILD, UPLOAD_ARTIFACTS in order with CodeBuild log lines (CB-PH)', async () => {
    const run = await runBuildspec(phases(), { outputs: ['out'] });
    succeeded(run);
    expect(output(run.log)).toEqual(['install succeeding=1', 'pre_build succeeding=1', 'build succeeding=1', 'post_build succeeding=1']);
    const entered = [...run.log.matchAll(/^\[Container\] \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} Entering phase (\w+)$/gm)].map((m) => m[1]);
    expect(entered).toEqual(['PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD', 'UPLOAD_ARTIFACTS', 'FINALIZING']);
    expect(run.log).toMatch(/Running command echo build succeeding=\$CODEBUILD_BUILD_SUCCEEDING\n/);
    expect(run.log).toMatch(/Phase complete: BUILD State: SUCCEEDED \(\d+\.\d{3} seconds\)\n/);
  });

  it('build phase failure still runs post_build with CODEBUILD_BUILD_SUCCEEDING=0 and uploads artifacts (CB-PH)', async () => {
    const run = await runBuildspec(phases('build'), { outputs: ['out'] });
    const error = failed(run);
    expect(output(run.log)).toEqual(['install succeeding=1', 'pre_build succeeding=1', 'build succeeding=1', 'post_build succeeding=0']);
    expect(run.log).toContain('Phase complete: BUILD State: FAILED');
    expect(run.log).toContain('Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: exit 7. Reason: exit status 7');
    expect(run.log).toContain('Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED');
    expect(error.message).toBe('BUILD failed: Error while executing command: exit 7. Reason: exit status 7');
  });

  it('install failure skips BUILD and POST_BUILD and goes to FINALIZING without an upload (CB-PH, inferred)', async () => {
    const run = await runBuildspec(phases('install'), { outputs: ['out'] });
    expect(failed(run).message).toContain('INSTALL failed');
    expect(output(run.log)).toEqual(['install succeeding=1']);
    expect(run.log).not.toContain('Entering phase PRE_BUILD');
    expect(run.log).not.toContain('UPLOAD_ARTIFACTS');
    expect(run.log).toContain('Entering phase FINALIZING');
  });

  it('pre_build failure skips BUILD and POST_BUILD (CB-PH, inferred)', async () => {
    const run = await runBuildspec(phases('pre_build'), { outputs: ['out'] });
    expect(failed(run).message).toContain('PRE_BUILD failed');
    expect(output(run.log)).toEqual(['install succeeding=1', 'pre_build succeeding=1']);
    expect(run.log).not.toContain('Entering phase BUILD');
  });

  it('post_build failure still uploads artifacts and fails the build (CB-PH)', async () => {
    const run = await runBuildspec(phases('post_build'), { outputs: ['out'] });
    expect(failed(run).message).toContain('POST_BUILD failed');
    expect(run.log).toContain('Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED');
    expect(run.test.outputs.get('out')).toBeDefined();
  });

  it('a failing command skips the rest of its phase; finally still runs and can read the state (CB-SPEC finally)', async () => {
    const run = await runBuildspec(`version: 0.2
phases:
  build:
    commands:
      - export STEP=one
      - "false"
      - echo never
    finally:
      - echo finally after $STEP
      - echo second finally
`);
    failed(run);
    expect(output(run.log)).toEqual(['finally after one', 'second finally']);
  });

  it('a failing finally command fails a phase whose commands succeeded (CB-SPEC finally)', async () => {
    const run = await runBuildspec('version: 0.2\nphases:\n  build:\n    commands: [echo ok]\n    finally: ["sh -c \'exit 4\'", echo skipped]\n');
    expect(failed(run).message).toBe("BUILD failed: Error while executing command: sh -c 'exit 4'. Reason: exit status 4");
    expect(output(run.log)).toEqual(['ok']);
  });

  it('a command that ends the shell (exit, set -e) fails as a command and the build goes on (CB-CMD)', async () => {
    const run = await runBuildspec(`version: 0.2
phases:
  pre_build:
    commands:
      - export KEPT=yes
  build:
    commands:
      - set -e
      - "false"
    finally:
      - echo finally $KEPT
  post_build:
    commands:
      - echo post $KEPT $CODEBUILD_BUILD_SUCCEEDING
`);
    expect(failed(run).message).toBe('BUILD failed: Error while executing command: false. Reason: exit status 1');
    expect(output(run.log)).toEqual(['finally yes', 'post yes 0']);
  });

  it('exit 0 in a command counts as success, and the next command runs', async () => {
    const run = await runBuildspec('version: 0.2\nphases:\n  build:\n    commands:\n      - cd /tmp && exit 0\n      - echo next in $PWD\n');
    succeeded(run);
    expect(output(run.log)).toEqual([expect.stringMatching(/^next in /)]);
  });
});

describe('codebuild: shells', () => {
  it('0.2 runs every command in one shell: cd, export and plain variables carry over across phases (CB-HIST)', async () => {
    const run = await runBuildspec(`version: 0.2
phases:
  install:
    commands:
      - mkdir -p sub && cd sub
      - export EXPORTED=1
      - PLAIN=2
  build:
    commands:
      - echo "$(basename "$PWD") $EXPORTED $PLAIN $$" > ../pids
      - echo "$$" >> ../pids
`);
    succeeded(run);
    const { readFile } = await import('node:fs/promises');
    const [first, second] = (await readFile(`${run.test.ctx.inputs.get('src')}/pids`, 'utf8')).trim().split('\n');
    expect(first).toMatch(/^sub 1 2 \d+$/);
    expect(first!.split(' ')[3]).toBe(second);
  });

  it('0.1 runs each command in its own shell: cd and export do not carry over (CB-HIST)', async () => {
    const run = await runBuildspec(`version: 0.1
environment_variables:
  plaintext:
    OLD: style
phases:
  build:
    commands:
      - mkdir -p sub && cd sub && export GONE=1
      - echo "[$(basename "$PWD")] [$GONE] [$OLD]"
`);
    succeeded(run);
    expect(output(run.log)).toEqual([`[${run.test.ctx.inputs.get('src')!.split('/').pop()!}] [] [style]`]);
  });

  it('shell: /bin/sh runs commands in POSIX mode', async () => {
    const run = await runBuildspec('version: 0.2\nenv:\n  shell: /bin/sh\nphases:\n  build:\n    commands:\n      - shopt -o -q posix && echo posix=1\n');
    succeeded(run);
    expect(output(run.log)).toEqual(['posix=1']);
  });

  it('runs 200 commands in one bash process', async () => {
    const commands = Array.from({ length: 200 }, (_, i) => `      - echo $$ ${i}`).join('\n');
    const run = await runBuildspec(`version: 0.2\nphases:\n  build:\n    commands:\n${commands}\n`);
    succeeded(run);
    const pids = new Set(output(run.log).map((line) => line.split(' ')[0]));
    expect(output(run.log)).toHaveLength(200);
    expect(pids.size).toBe(1);
  });
});
