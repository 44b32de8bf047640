/**
 * The CLI with its state in PostgreSQL (MERIDIAN_DB): a run, then the commands that read
 * state, all through the database rather than state.db.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe.skipIf(!hasPostgres)('meridian with MERIDIAN_DB=postgres://…', () => {
  it('runs a pipeline and lists it, keeping no state.db', async () => {
    const url = await freshDatabase();
    const repo = makeRepo({ 'README.md': 'hello' });
    const dir = tempDir();
    writeFiles(dir, {
      'p.yaml': `pipeline: pg\nsources:\n  src: { git: ${repo} }\nstages:\n  - name: Build\n    actions:\n      - { name: b, uses: commands, inputs: [src], commands: ['cat README.md'] }\n`,
    });
    const stateDir = path.join(dir, 'state');
    const env = { MERIDIAN_DB: url };
    const run = await runCli(['run', '-f', path.join(dir, 'p.yaml'), '--state-dir', stateDir, '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { executionId: string; status: string };
    expect(summary.status).toBe('Succeeded');
    const listed = JSON.parse((await runCli(['executions', '--json', '--state-dir', stateDir], { env })).stdout) as Array<{ executionId: string }>;
    expect(listed.map((e) => e.executionId)).toEqual([summary.executionId]);
    expect((await runCli(['logs', summary.executionId, 'b', '--state-dir', stateDir], { env })).stdout).toContain('hello');
    expect(existsSync(path.join(stateDir, 'state.db'))).toBe(false);
  }, 60_000);
});
