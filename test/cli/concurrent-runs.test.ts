/**
 * Several processes on one SQLite state dir (issue 17, High 3): concurrent `meridian run`s and
 * a run beside a live `serve` never crash on a busy database, two commands opening a new state
 * dir never race the migrations (both stores), and an execution whose process was killed is
 * carried on by the live server or the next `resume`, without a person changing its owner.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/stores/state/open-state-db.js';
import { eventually, finished, runCli, startCli, type CliResult } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { startServe } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

interface Listed {
  executionId: string;
  status: string;
}

/** A two-stage pipeline of one quick command each; `gate` makes the second wait for a file. */
function writePipeline(dir: string, options: { gate?: string; marks?: string } = {}): string {
  const repo = makeRepo({ 'a.txt': 'a\n' });
  const waits = options.gate ? `, "echo started >> ${options.marks}", "while [ ! -f ${options.gate} ]; do sleep 0.1; done"` : '';
  const file = path.join(dir, 'meridian.yaml');
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
        commands: ["echo built"${waits}]
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

async function listed(state: string): Promise<Listed[]> {
  const result = await runCli(['executions', '--state-dir', state, '--json']);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Listed[];
}

function explain(results: CliResult[]): string {
  return results.map((r, i) => `#${i} exit ${String(r.code)}: ${r.stderr}`).join('\n');
}

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('concurrent processes on one SQLite state dir', () => {
  it('4 concurrent runs on a fresh state dir, 3 rounds: all exit 0, nothing left InProgress', async () => {
    const dir = tempDir();
    const file = writePipeline(dir);
    for (let round = 0; round < 3; round++) {
      const state = path.join(dir, `state-${round}`);
      const results = await Promise.all([0, 1, 2, 3].map(() => runCli(['run', '-f', file, '--state-dir', state])));
      expect(
        results.map((r) => r.code),
        explain(results),
      ).toEqual([0, 0, 0, 0]);
      const executions = await listed(state);
      expect(executions.map((e) => e.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded']);
    }
  }, 180_000);

  it('8 commands opening a new state dir at once all succeed', async () => {
    const state = path.join(tempDir(), 'state');
    const results = await Promise.all(Array.from({ length: 8 }, () => runCli(['executions', '--state-dir', state, '--json'])));
    expect(
      results.map((r) => r.code),
      explain(results),
    ).toEqual(Array<number>(8).fill(0));
  });

  it.skipIf(!hasPostgres)('6 openings of a new PostgreSQL database at once all succeed', async () => {
    const url = await freshDatabase('concurrent_open');
    const opened = await Promise.allSettled(Array.from({ length: 6 }, () => openStateDb('/nowhere', url)));
    for (const result of opened) if (result.status === 'fulfilled') await result.value.destroy();
    expect(opened.filter((r) => r.status === 'rejected')).toEqual([]);
  });

  it('CLI runs beside a live serve that starts executions too: all exit 0, all end', async () => {
    const dir = tempDir();
    const file = writePipeline(dir);
    const state = path.join(dir, 'state');
    const served = await startServe(['-f', file, '--state-dir', state]);
    try {
      const started = Promise.all([0, 1].map(() => served.api<{ executionId: string }>('POST', '/api/pipelines/tiny/executions', {})));
      const results = await Promise.all([0, 1].map(() => runCli(['run', '-f', file, '--state-dir', state])));
      expect(
        results.map((r) => r.code),
        explain(results),
      ).toEqual([0, 0]);
      expect((await started).map((s) => s.status)).toEqual([201, 201]);
      const executions = await eventually(async () => {
        const all = await listed(state);
        return all.length === 4 && all.every((e) => e.status === 'Succeeded') ? all : undefined;
      }, 30_000);
      expect(executions).toHaveLength(4);
    } finally {
      await served.stop();
    }
  }, 120_000);

  it('a run killed with SIGKILL mid-action is carried on by the live serve, without a person', async () => {
    const dir = tempDir();
    const gate = path.join(dir, 'gate');
    const marks = path.join(dir, 'marks');
    const file = writePipeline(dir, { gate, marks });
    const state = path.join(dir, 'state');
    const served = await startServe(['-f', file, '--state-dir', state]);
    try {
      const run = startCli(['run', '-f', file, '--state-dir', state]);
      await eventually(() => lines(marks).includes('started') || undefined, 30_000, 'the action to start');
      run.kill('SIGKILL');
      await finished(run);
      fs.writeFileSync(gate, '');
      const [execution] = await eventually(
        async () => {
          const all = await listed(state);
          return all[0]?.status === 'Succeeded' ? all : undefined;
        },
        30_000,
        'the server to carry the killed run on',
      );
      expect(execution?.status).toBe('Succeeded');
    } finally {
      // The killed run's action (and any attempt after it) waits for the gate: let it end.
      fs.writeFileSync(gate, '');
      await served.stop();
    }
  }, 120_000);

  it('the next resume carries a killed run on; a second resume meanwhile says who has it', async () => {
    const dir = tempDir();
    const gate = path.join(dir, 'gate');
    const marks = path.join(dir, 'marks');
    const file = writePipeline(dir, { gate, marks });
    const state = path.join(dir, 'state');
    const run = startCli(['run', '-f', file, '--state-dir', state]);
    await eventually(() => lines(marks).includes('started') || undefined, 30_000, 'the action to start');
    run.kill('SIGKILL');
    await finished(run);
    const [killed] = await listed(state);
    expect(killed?.status).toBe('InProgress');

    const first = startCli(['resume', '--state-dir', state]);
    try {
      // The interrupted action runs again under the resume, and waits at the gate again.
      await eventually(() => lines(marks).filter((l) => l === 'started').length === 2 || undefined, 30_000, 'the resume to run the action');
      const second = await runCli(['resume', '--state-dir', state]);
      expect(second.stderr).not.toContain('every execution has ended');
      expect(second.stderr).toContain(`execution ${killed!.executionId} is being run by`);
      const named = await runCli(['resume', killed!.executionId, '--state-dir', state]);
      expect(named.code).toBe(2);
      expect(named.stderr).toContain(killed!.executionId);
    } finally {
      fs.writeFileSync(gate, '');
    }
    const resumed = await finished(first);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await listed(state)).map((e) => e.status)).toEqual(['Succeeded']);
  }, 120_000);
});
