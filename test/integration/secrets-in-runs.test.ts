import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

function filesUnder(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('secrets in executions', () => {
  it('masks SecureString and secret values in logs and summaries, and never stores them in clear', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const password = 'hunter2-very-secret-value';
    const token = 'tok-9f8e7d6c5b4a';
    expect((await runCli(['params', 'put', '/service-x/db-password', password, '--type', 'SecureString', '--state-dir', state])).code).toBe(0);
    expect((await runCli(['secrets', 'put', 'deploy-token', JSON.stringify({ token }), '--state-dir', state])).code).toBe(0);
    const file = path.join(dir, 'meridian.yaml');
    fs.writeFileSync(
      file,
      `pipeline: secretive
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Deploy
    actions:
      - name: use-secrets
        uses: commands
        inputs: [src]
        namespace: Out
        env:
          DB_PASSWORD: { parameter: /service-x/db-password }
          TOKEN: { secret: "deploy-token:token" }
        commands:
          - echo "password is $DB_PASSWORD"
          - echo "token is $TOKEN"
          - export LEAK="$TOKEN"
        outputVariables: [LEAK]
`,
    );
    const result = await runCli(['run', '-f', file, '--state-dir', state, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as ExecutionSummary;
    expect(result.stdout).not.toContain(token);
    expect(summary.stages[1]!.actions[0]!.outputVariables).toEqual({ LEAK: '****' });
    const log = (await runCli(['logs', summary.executionId, 'use-secrets', '--state-dir', state])).stdout;
    expect(log).toContain('password is ****');
    expect(log).toContain('token is ****');
    for (const stateFile of filesUnder(state)) {
      const bytes = fs.readFileSync(stateFile);
      expect(bytes.includes(password), stateFile).toBe(false);
      expect(bytes.includes(token), stateFile).toBe(false);
    }
  });
});
