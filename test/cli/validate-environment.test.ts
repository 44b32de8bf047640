/**
 * `meridian validate` judges the definition itself (issue 18, item 8): what the machine's
 * state lacks (an export for `!ImportValue`, a parameter, a secret) is a warning naming the
 * command that provides it, an error with `--require-env`, and `run` still refuses to start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const SEED = path.join(REPO_ROOT, 'examples/orders/orders.template.yaml');
const NO_KEY = { MERIDIAN_MASTER_KEY: '' };

describe('meridian validate and the machine state', () => {
  it('on a fresh checkout warns for each missing export, parameter and secret at its line, exits 0 and creates no state dir', async () => {
    const cwd = tempDir();
    const result = await runCli(['validate', '-f', SEED], { cwd, env: NO_KEY });
    expect(result.stderr).toContain(`${SEED}:20:20: warning: export OrdersBuildRole is not set on this machine`);
    expect(result.stderr).toContain('add it with `meridian exports set OrdersBuildRole VALUE`');
    expect(result.stderr).toContain(`${SEED}:80:26: warning: export OrdersDeployRole is not set on this machine`);
    expect(result.stderr).toContain(`${SEED}:5:3: warning: parameter /orders/artifacts/eu (read by template parameter EuArtifacts) is not set on this machine`);
    expect(result.stderr).toContain('`meridian params put /orders/artifacts/eu VALUE`');
    expect(result.stderr).toContain(`warning: secret orders-webhook:token (read by webhook OrdersWebhook) is not set on this machine`);
    expect(result.stderr).toContain('`meridian secrets put orders-webhook --value-file FILE` (FILE holding JSON with the key token)');
    expect(result.stderr).not.toContain('is not defined');
    expect(result.stdout).toContain('pipeline orders is valid: 3 stages, 11 actions');
    expect(result.code).toBe(0);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('with --require-env fails with the same findings as errors (exit 2)', async () => {
    const result = await runCli(['validate', '--require-env', '-f', SEED], { cwd: tempDir(), env: NO_KEY });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${SEED}:20:20: export OrdersBuildRole is not set on this machine`);
    expect(result.stderr).toContain(`${SEED}:5:3: parameter /orders/artifacts/eu`);
    expect(result.stderr).not.toContain('warning:');
    expect(result.stdout).toBe('');
  });

  it('still refuses what is wrong in the definition itself, beside a missing export', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'orders.template.yaml');
    fs.writeFileSync(file, fs.readFileSync(SEED, 'utf8').replace('RunOrder: 3', 'RunOrder: 0'));
    const result = await runCli(['validate', '-f', file], { cwd: dir, env: NO_KEY });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:142:25: runOrder 0 is not valid`);
    expect(result.stderr).not.toContain('export OrdersBuildRole');
  });

  it('warns about nothing once the state dir holds them, and run refuses to start without them', async () => {
    const cwd = tempDir();
    const stateDir = path.join(cwd, '.meridian');
    const run = await runCli(['run', '-f', SEED, '--state-dir', stateDir], { cwd, env: NO_KEY });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${SEED}:20:20: export OrdersBuildRole is not defined`);

    const set = async (args: string[]): Promise<void> => {
      const result = await runCli([...args, '--state-dir', stateDir], { cwd, env: NO_KEY });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    };
    await set(['exports', 'set', 'OrdersBuildRole', 'arn:aws:iam::000000000000:role/build']);
    await set(['exports', 'set', 'OrdersDeployRole', 'arn:aws:iam::000000000000:role/deploy']);
    for (const region of ['eu', 'us', 'ap']) await set(['params', 'put', `/orders/artifacts/${region}`, `orders-${region}`]);
    fs.writeFileSync(path.join(cwd, 'token.json'), '{"token":"t0ken"}');
    await set(['secrets', 'put', 'orders-webhook', '--value-file', path.join(cwd, 'token.json')]);

    const result = await runCli(['validate', '-f', SEED, '--state-dir', stateDir, '--require-env'], { cwd, env: NO_KEY });
    expect(result.stderr).not.toContain('not set on this machine');
    expect(result.code).toBe(0);
  });
});
