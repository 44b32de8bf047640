/**
 * What a Commands action or a CodeBuild build leaves running in the background is ended when
 * its shell exits, as CodeBuild ends its container, and the action's log says which pids, in
 * which process group, and how they were ended.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

/** Whether `pid` runs (a zombie waiting for init to reap it runs nothing). */
function running(pid: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('processes an action leaves running', () => {
  it('are ended when a Commands action or a build ends, with a line in its log', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const pids = { commands: path.join(dir, 'commands.pid'), build: path.join(dir, 'build.pid') };
    onTestFinished(() => {
      for (const file of Object.values(pids)) {
        if (!fs.existsSync(file)) continue;
        try {
          process.kill(Number(fs.readFileSync(file, 'utf8').trim()), 'SIGKILL');
        } catch {
          // Already gone, as it should be.
        }
      }
    });
    const buildspec = `version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 300 & echo $! > ${pids.build}\n`;
    const repo = makeRepo({ 'buildspec.yml': buildspec });
    const file = path.join(dir, 'meridian.yaml');
    fs.writeFileSync(
      file,
      `pipeline: leftovers
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - name: commands
        uses: commands
        inputs: [src]
        commands: ["sleep 300 & echo $! > ${pids.commands}"]
      - name: build
        uses: codebuild
        inputs: [src]
        with: { buildspec: buildspec.yml }
`,
    );
    const state = path.join(dir, 'state');
    const run = await runCli(['run', '-f', file, '--state-dir', state, '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const executionId = (JSON.parse(run.stdout) as { executionId: string }).executionId;
    for (const [action, pidFile] of Object.entries(pids)) {
      const pid = fs.readFileSync(pidFile, 'utf8').trim();
      expect(running(pid), `${action}'s sleep ${pid} still runs`).toBe(false);
      const logs = await runCli(['logs', executionId, action, '--state-dir', state]);
      expect(logs.stdout).toMatch(
        new RegExp(`\\[Meridian\\] ended 1 process that bash left running in its process group \\d+ \\(pid ${pid} \\(sleep\\)\\), with SIGTERM`),
      );
    }
  });
});
