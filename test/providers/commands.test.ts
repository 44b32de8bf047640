import { readFileSync, readdirSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import { commandsProvider } from '../../src/providers/commands/index.js';
import { logShows, makeAction, makeTempDir, makeTestContext, type TestContextOptions } from './context.js';
import { failure } from '../helpers/failure.js';

function commands(list: string[], extra: Partial<TestContextOptions> = {}): TestContextOptions {
  return { type: 'Compute/AWS/Commands', commands: list, ...extra };
}

/**
 * Living processes (zombies excluded: a killed child of an exited shell may wait for init to
 * reap it) whose pid or process group is `id`. Linux /proc.
 */
function living(id: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state !== 'Z' && (Number(entry) === id || Number(pgrp) === id)) found.push(Number(entry));
  }
  return found;
}

describe('commands: one shell', () => {
  it('carries cd and export from one command to the next', async () => {
    const test = await makeTestContext(commands(['mkdir -p sub', 'cd sub', 'export GREETING=hello', 'echo "$GREETING from $(basename "$PWD")"']));
    const result = await commandsProvider.run(test.ctx);
    expect(test.log()).toContain('hello from sub\n');
    expect(test.log()).toContain('[Meridian] Running command cd sub\n');
    expect(result.summary).toBe('4 commands succeeded');
  });

  it('stops at the first failing command and names it with its exit code', async () => {
    const test = await makeTestContext(commands(['echo one', 'sh -c "exit 3"', 'echo never']));
    const error = await failure(commandsProvider.run(test.ctx));
    expect(error.code).toBe('ACTION_FAILED');
    expect(error.message).toBe('command 2 of 3 (sh -c "exit 3") failed with exit code 3');
    expect(error.details).toMatchObject({ index: 2, exitCode: 3 });
    expect(test.log()).toContain('one\n');
    expect(test.log()).not.toContain('never\n');
  });

  it('knows which command failed after set -e, exit or a replaced EXIT trap', async () => {
    const cases: [string[], string][] = [
      [['set -eu', 'trap "echo bye" EXIT', 'false', 'echo never'], 'command 3 of 4 (false) failed with exit code 1'],
      [['echo ok', 'exit 9', 'echo never'], 'command 2 of 3 (exit 9) failed with exit code 9'],
      [['no-such-command-here'], 'command 1 of 1 (no-such-command-here) failed with exit code 127 (command not found)'],
      [['if true; then'], 'command 1 of 1 (if true; then) failed with exit code 2'],
    ];
    for (const [list, message] of cases) {
      const test = await makeTestContext(commands(list));
      expect((await failure(commandsProvider.run(test.ctx))).message).toBe(message);
    }
  });

  it('keeps the order of stdout and stderr', async () => {
    const test = await makeTestContext(commands(['echo out1; echo err1 >&2; echo out2; echo err2 >&2']));
    await commandsProvider.run(test.ctx);
    expect(test.log()).toContain('out1\nerr1\nout2\nerr2\n');
  });

  it('runs in the primary input folder and exposes the other inputs like CodeBuild', async () => {
    const primary = await makeTempDir();
    const extra = await makeTempDir();
    await writeFile(join(primary, 'here.txt'), 'primary\n');
    const test = await makeTestContext(
      commands(
        [
          'cat here.txt',
          'echo "src=$CODEBUILD_SRC_DIR extra=$CODEBUILD_SRC_DIR_extra"',
          'echo "region=$AWS_REGION/$AWS_DEFAULT_REGION/$MERIDIAN_REGION id=$MERIDIAN_EXECUTION_ID"',
        ],
        {
          inputs: { src: primary, extra },
          region: 'ap-southeast-2',
        },
      ),
    );
    await commandsProvider.run(test.ctx);
    expect(test.log()).toContain('primary\n');
    expect(test.log()).toContain(`src=${primary} extra=${extra}\n`);
    expect(test.log()).toContain('region=ap-southeast-2/ap-southeast-2/ap-southeast-2 id=exec-1\n');
  });
});

describe('commands: variables and environment', () => {
  it('returns output variables, exported or not', async () => {
    const test = await makeTestContext(commands(['export VERSION=1.2.3', 'NOTE="two words"', 'EMPTY='], { outputVariables: ['VERSION', 'NOTE', 'EMPTY'] }));
    const result = await commandsProvider.run(test.ctx);
    expect(result.outputVariables).toEqual({ VERSION: '1.2.3', NOTE: 'two words', EMPTY: '' });
  });

  it('names the output variables the commands did not set', async () => {
    const test = await makeTestContext(commands(['export A=1'], { outputVariables: ['A', 'B', 'C'] }));
    const error = await failure(commandsProvider.run(test.ctx));
    expect(error.code).toBe('ACTION_FAILED');
    expect(error.message).toContain('output variables B, C were not set');
  });

  it('reads parameters and secrets, masking SecureString and secret values', async () => {
    const test = await makeTestContext(
      commands(['echo "$PLAIN $PARAM"', '[ "$SECURE" = s3cure-value ] && [ "$TOKEN" = t0ken-value ] && echo both-ok'], {
        environmentVariables: [
          { name: 'PLAIN', value: 'plain', type: 'PLAINTEXT' },
          { name: 'PARAM', value: '/env/eu/bucket', type: 'PARAMETER_STORE' },
          { name: 'SECURE', value: '/env/eu/password', type: 'PARAMETER_STORE' },
          { name: 'TOKEN', value: 'deploy-token:token', type: 'SECRETS_MANAGER' },
        ],
        parameters: [
          { name: '/env/eu/bucket', type: 'String', value: 'eu-bucket', version: 1 },
          { name: '/env/eu/password', type: 'SecureString', value: 's3cure-value', version: 3 },
        ],
        secrets: { 'deploy-token:token': 't0ken-value' },
      }),
    );
    await commandsProvider.run(test.ctx);
    expect(test.log()).toContain('plain eu-bucket\n');
    expect(test.log()).toContain('both-ok\n');
    expect(test.masked).toEqual(['s3cure-value', 't0ken-value']);
  });

  it('says which variable refers to a missing parameter', async () => {
    const test = await makeTestContext(commands(['true'], { environmentVariables: [{ name: 'DB', value: '/missing', type: 'PARAMETER_STORE' }] }));
    const error = await failure(commandsProvider.run(test.ctx));
    expect(error.code).toBe('ACTION_FAILED');
    expect(error.message).toBe('environment variable DB: parameter /missing not found; create it with `meridian params put /missing VALUE`');
  });

  it('does not pass MERIDIAN_ variables of the server to the commands', async () => {
    process.env.MERIDIAN_TOKEN = 'server-token';
    try {
      const test = await makeTestContext(commands(['echo "token=${MERIDIAN_TOKEN:-none}"']));
      await commandsProvider.run(test.ctx);
      expect(test.log()).toContain('token=none\n');
    } finally {
      delete process.env.MERIDIAN_TOKEN;
    }
  });
});

describe('commands: output artifacts', () => {
  it('copies the files matching the globs into the first output, keeping modes', async () => {
    const primary = await makeTempDir();
    const test = await makeTestContext(
      commands(
        [
          'mkdir -p dist/sub',
          'echo a > dist/a.txt',
          'echo b > dist/sub/b.txt',
          'touch dist/.hidden',
          'echo x > other.txt',
          'printf "#!/bin/sh\\n" > run.sh',
          'chmod +x run.sh',
        ],
        {
          inputs: { src: primary },
          outputs: ['package', 'spare'],
          configuration: { files: 'dist/**, run.sh' },
        },
      ),
    );
    const result = await commandsProvider.run(test.ctx);
    const out = test.outputs.get('package') ?? '';
    expect(await readFile(join(out, 'dist/a.txt'), 'utf8')).toBe('a\n');
    expect(await readFile(join(out, 'dist/sub/b.txt'), 'utf8')).toBe('b\n');
    await stat(join(out, 'dist/.hidden'));
    await expect(stat(join(out, 'other.txt'))).rejects.toThrow();
    expect((await stat(join(out, 'run.sh'))).mode & 0o111).not.toBe(0);
    expect(test.outputs.has('spare')).toBe(true);
    expect(result.summary).toBe('7 commands succeeded, 4 files in package');
  });

  it('takes ** as everything and fails when nothing matches', async () => {
    const everything = await makeTestContext(commands(['mkdir -p a/b', 'touch top a/b/deep'], { outputs: ['out'], configuration: { files: ['**'] } }));
    await commandsProvider.run(everything.ctx);
    await stat(join(everything.outputs.get('out') ?? '', 'a/b/deep'));

    const nothing = await makeTestContext(commands(['true'], { outputs: ['out'], configuration: { files: ['dist/**'] } }));
    const error = await failure(commandsProvider.run(nothing.ctx));
    expect(error.message).toContain('no files match dist/**');
  });
});

describe('commands: cancellation and cleanup', () => {
  it('kills the whole process group within a second of an abort and fails with the reason', async () => {
    const test = await makeTestContext(commands(['echo "shell $$"', 'sleep 30']));
    const running = commandsProvider.run(test.ctx);
    await logShows(test, 'Running command sleep 30');
    const pid = Number(/shell (\d+)/.exec(test.log())?.[1]);
    expect(pid).toBeGreaterThan(1);
    const reason = new MeridianError('TIMEOUT', 'the action ran past its 1 minute timeout');
    const started = Date.now();
    test.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(living(pid)).toEqual([]);
  });

  it('turns a plain abort into a MeridianError', async () => {
    const test = await makeTestContext(commands(['sleep 30']));
    const running = commandsProvider.run(test.ctx);
    await logShows(test, 'Running command sleep 30');
    test.abort(new Error('shutting down'));
    const error = await failure(running);
    expect(error.code).toBe('ACTION_FAILED');
    expect(error.message).toContain('shutting down');
  });

  it('does not wait for, or leave behind, background jobs', async () => {
    const test = await makeTestContext(commands(['sleep 30 &', 'echo "background $!"']));
    const started = Date.now();
    await commandsProvider.run(test.ctx);
    expect(Date.now() - started).toBeLessThan(5_000);
    const pid = Number(/background (\d+)/.exec(test.log())?.[1]);
    expect(pid).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(living(pid)).toEqual([]);
  });
});

describe('commands: validation', () => {
  const problems = (extra: Partial<TestContextOptions>): string[] =>
    (commandsProvider.validate?.(makeAction({ type: 'Compute/AWS/Commands', ...extra })) ?? []).map((problem) => `${problem.field}: ${problem.message}`);

  it('accepts a well-formed action', () => {
    expect(problems({ commands: ['npm ci', 'npm test'], outputVariables: ['VERSION'], configuration: { files: '**' } })).toEqual([]);
  });

  it('checks the command list like CodePipeline', () => {
    expect(problems({})).toEqual(['commands: act needs at least one command']);
    expect(problems({ commands: Array.from({ length: 51 }, () => 'true') })).toEqual(['commands: act has 51 commands; at most 50 are allowed']);
    expect(problems({ commands: ['echo a\necho b', 'x'.repeat(1001), ''] })).toEqual([
      'commands[0]: a command must be a single line',
      'commands[1]: a command must be 1 to 1000 characters long',
      'commands[2]: a command must be 1 to 1000 characters long',
    ]);
  });

  it('checks variable names and files patterns', () => {
    expect(
      problems({
        commands: ['true'],
        outputVariables: ['1BAD'],
        environmentVariables: [
          { name: 'CODEBUILD_X', value: 'v', type: 'PLAINTEXT' },
          { name: 'S', value: '', type: 'SECRETS_MANAGER' },
        ],
        configuration: { files: ['../up/**', '/abs'] },
      }),
    ).toEqual([
      'outputVariables: 1BAD is not a valid variable name',
      'environmentVariables.CODEBUILD_X: names starting with CODEBUILD_ are reserved',
      'environmentVariables.S: a SECRETS_MANAGER variable needs the name of what to read',
      'files: files pattern ../up/** must not leave the primary input folder (..)',
      'files: files pattern /abs must be relative to the primary input folder',
    ]);
  });
});
