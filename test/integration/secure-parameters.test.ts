/**
 * A SecureString read as a template parameter reaches the action that references it, and
 * nothing else: it is masked in the action's log and never stored in the state database.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

const SECRET = 'hunter2-Very-Secret-9f3c';

/** Every file of the state dir (the database, its WAL, logs), as text. */
function stateText(stateDir: string): string {
  return fs
    .readdirSync(stateDir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(stateDir, name))
    .filter((file) => fs.statSync(file).isFile())
    .map((file) => fs.readFileSync(file).toString('latin1'))
    .join('\n');
}

describe('a SecureString template parameter', () => {
  it('is used by the action, masked in its log and output, and stored nowhere in the state dir', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const put = await runCli(['params', 'put', '/app/db-password', SECRET, '--type', 'SecureString', '--state-dir', state]);
    expect(put.code, put.stderr).toBe(0);
    await runCli(['params', 'put', '/app/db-host', 'db.internal', '--state-dir', state]);
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const file = path.join(dir, 'meridian.yaml');
    fs.writeFileSync(
      file,
      `pipeline: secure-params
parameters:
  Password: { ssm: /app/db-password }
  Host: { ssm: /app/db-host }
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Deploy
    actions:
      - name: connect
        uses: commands
        inputs: [src]
        commands:
          - 'test "$(printf %s "#{parameters.Password}" | sha256sum | cut -c1-64)" = ${createHash('sha256').update(SECRET).digest('hex')}'
          - 'echo "connecting to #{parameters.Host} with #{parameters.Password}"'
`,
    );
    const result = await runCli(['run', '-f', file, '--state-dir', state, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as ExecutionSummary;
    expect(summary.status).toBe('Succeeded');
    expect(result.stdout + result.stderr).not.toContain(SECRET);

    const log = await runCli(['logs', summary.executionId, 'connect', '--state-dir', state]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain('connecting to db.internal with ****');
    expect(log.stdout).not.toContain(SECRET);
    const shown = await runCli(['show', summary.executionId, '--events', '--json', '--state-dir', state]);
    expect(shown.stdout).not.toContain(SECRET);

    // The encrypted parameter is there; its clear value is in no file (the context keeps only its name).
    expect(stateText(state)).not.toContain(SECRET);
  });
});
