/**
 * The CLI says things one way (issue 18, item 9): `logs` takes the `Stage/action` the run
 * prints, `executions` is a table with a header, duration, trigger, commit and a Rollback tag,
 * `exports set` confirms as `params put` does, and no help text doubles a word.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { commit, git, makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

function pipelineFile(repo: string): string {
  const file = path.join(tempDir(), 'meridian.yaml');
  fs.writeFileSync(
    file,
    `pipeline: tiny
executionMode: PARALLEL
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - name: build
        uses: commands
        inputs: [src]
        commands: ["echo built"]
  - name: Deploy
    actions:
      - name: deploy
        uses: commands
        inputs: [src]
        commands: ["echo deployed"]
`,
  );
  return file;
}

function ok(result: CliResult): string {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

async function runOnce(file: string, stateDir: string): Promise<string> {
  const result = await runCli(['run', '-f', file, '--state-dir', stateDir, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { executionId: string }).executionId;
}

describe('meridian logs and executions', () => {
  it('logs takes an action as its name or as Stage/action, the way the run summary prints it', async () => {
    const stateDir = tempDir();
    const id = await runOnce(pipelineFile(makeRepo({ 'a.txt': 'a' })), stateDir);
    const byName = ok(await runCli(['logs', id, 'deploy', '--state-dir', stateDir]));
    expect(byName).toContain('deployed');
    expect(ok(await runCli(['logs', id, 'Deploy/deploy', '--state-dir', stateDir]))).toBe(byName);
    const followed = ok(await runCli(['logs', id, 'Deploy/deploy', '-f', '--state-dir', stateDir]));
    expect(followed).toContain('deployed');
    expect(followed).not.toContain('built');

    const wrong = await runCli(['logs', id, 'Build/deploy', '--state-dir', stateDir]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('has no action Build/deploy; its actions: Source/src, Build/build, Deploy/deploy');
  });

  it('executions prints a header, then each execution with its duration, trigger, commit and a Rollback tag', { timeout: 60_000 }, async () => {
    const repo = makeRepo({ 'a.txt': 'a' });
    const first = git(repo, 'rev-parse', 'HEAD');
    const file = pipelineFile(repo);
    const stateDir = tempDir();
    await runOnce(file, stateDir);
    const second = commit(repo, { 'a.txt': 'b' }, 'second');
    await runOnce(file, stateDir);
    ok(await runCli(['rollback', 'tiny', 'Deploy', '--state-dir', stateDir]));

    const lines = ok(await runCli(['executions', '--state-dir', stateDir]))
      .trimEnd()
      .split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['EXECUTION', 'PIPELINE', 'STATUS', 'STARTED', 'DURATION', 'TRIGGER', 'COMMIT']);
    expect(lines).toHaveLength(4);
    const [rollback, newer, older] = lines.slice(1).map((line) => line.split(/\s{2,}/));
    expect(rollback).toEqual([
      expect.any(String),
      'tiny',
      'Succeeded',
      expect.any(String),
      expect.stringMatching(/^\d+(\.\d+)?m?s$/),
      'rollback',
      '-',
      'Rollback',
    ]);
    expect(newer).toEqual([expect.any(String), 'tiny', 'Succeeded', expect.any(String), expect.stringMatching(/^\d+(\.\d+)?m?s$/), 'cli', second.slice(0, 7)]);
    expect(older?.[6]).toBe(first.slice(0, 7));

    const listed = JSON.parse(ok(await runCli(['executions', '--json', '--state-dir', stateDir]))) as Array<Record<string, unknown>>;
    expect(listed[1]).toMatchObject({ pipeline: 'tiny', status: 'Succeeded', trigger: { type: 'cli' }, commit: second, endedAt: expect.any(String) as string });
  });
});

describe('meridian exports and help texts', () => {
  it('exports set confirms what it set, as params put does, without echoing the value', async () => {
    const stateDir = tempDir();
    const out = ok(await runCli(['exports', 'set', 'OrdersDeployRole', 'arn:aws:iam::000000000000:role/deploy', '--state-dir', stateDir]));
    expect(JSON.parse(out)).toEqual({ Name: 'OrdersDeployRole' });
    expect(out).not.toContain('role/deploy');
    expect(JSON.parse(ok(await runCli(['params', 'put', '/a', 'b', '--state-dir', stateDir])))).toEqual({ Version: 1, Tier: 'Standard' });
  });

  it('no help text says a word twice in a row', async () => {
    const help = async (args: string[]): Promise<string> => {
      let text = '';
      const io: CliIO = { out: (s) => (text += s), err: (s) => (text += s), isTTY: false, debug: false };
      await main([...args, '--help'], io);
      return text;
    };
    const texts: string[] = [];
    const walk = async (args: string[]): Promise<void> => {
      const text = await help(args);
      texts.push(text);
      const commands = text.split('Commands:')[1] ?? '';
      const names = [...commands.matchAll(/^ {2}([a-z-]+)/gm)].map((match) => match[1]!).filter((name) => name !== 'help');
      for (const name of names) await walk([...args, name]);
    };
    await walk([]);
    expect(texts.length).toBeGreaterThan(30);
    for (const text of texts) {
      // Each column alone: `--abandon  abandon running actions` is a flag and its description.
      const doubled = text
        .split('\n')
        .flatMap((line) => line.split(/\s{2,}/))
        .flatMap((cell) => [...cell.matchAll(/\b([A-Za-z]+)\s+\1\b/gi)].map((m) => m[0]));
      expect(doubled, text).toEqual([]);
      // A command's row does not label its description with the command's own name (`secrets  secrets: ...`).
      const rows = [...(text.split('Commands:')[1] ?? '').matchAll(/^ {2}([a-z-]+)\b.*?\s{2,}([A-Za-z-]+):/gm)];
      expect(rows.filter((row) => row[1] === row[2]).map((row) => row[0])).toEqual([]);
    }
  });
});
