/**
 * `runsOn` in the native format: labels are checked where they are written (FILE:LINE:COL),
 * `meridian schema` describes the key, and `meridian run`, whose only agent is its in-process
 * one, refuses an action asking for labels that agent lacks instead of waiting for ever —
 * unless given them with `--agent-labels`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

const definition = (repo: string, runsOn: string): string => `pipeline: labelled
sources:
  src: { git: ${repo} }
stages:
  - name: Work
    actions:
      - name: plain
        uses: Compute/Meridian/Noop
      - name: train
        uses: Compute/Meridian/Noop
        runsOn: ${runsOn}
`;

function write(runsOn: string): { dir: string; file: string } {
  const dir = tempDir();
  const file = path.join(dir, 'meridian.yaml');
  fs.writeFileSync(file, definition(makeRepo({ 'app.txt': 'v1\n' }), runsOn));
  return { dir, file };
}

describe('runsOn: agent labels in the native format', () => {
  it('a malformed label is reported at its line and column', async () => {
    const { file } = write('[gpu, "two words"]');
    const result = await runCli(['validate', '-f', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/meridian\.yaml:11:23: item 2 of `runsOn`: an agent label is 1 to 100 letters/);
  });

  it('meridian schema describes runsOn', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"runsOn"');
    expect(result.stdout).toContain('only an agent of the action');
  });

  it('meridian run refuses labels its in-process agent lacks, and runs with --agent-labels', async () => {
    const { dir, file } = write('[gpu, arm64]');
    const refused = await runCli(['run', '-f', file, '--state-dir', path.join(dir, 'state')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/meridian\.yaml:9:\d+: train runs on agents labelled arm64, gpu/);
    expect(refused.stderr).toContain('--agent-labels arm64,gpu');
    const ran = await runCli(['run', '-f', file, '--state-dir', path.join(dir, 'state'), '--agent-labels', 'gpu,arm64', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    const summary = JSON.parse(ran.stdout) as { status: string };
    expect(summary.status).toBe('Succeeded');
  });
});
