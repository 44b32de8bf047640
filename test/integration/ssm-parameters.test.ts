import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { startSsmEndpoint, type SsmEndpoint } from '../helpers/aws/ssm-endpoint.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

let ssm: SsmEndpoint;
beforeAll(async () => {
  ssm = await startSsmEndpoint();
});
afterAll(async () => {
  await ssm.close();
});

describe('MERIDIAN_PARAMETER_STORE=ssm://REGION', () => {
  it('keeps parameters in SSM (the wire-protocol endpoint of the tests) and resolves SSM-typed template parameters from there', async () => {
    const env = {
      MERIDIAN_PARAMETER_STORE: 'ssm://eu-west-1',
      AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const put = await runCli(['params', 'put', '/service/bucket', 'bucket-from-ssm', '--state-dir', state], { env });
    expect(put.stderr).toBe('');
    expect(JSON.parse(put.stdout)).toMatchObject({ Version: 1 });
    expect(ssm.calls.get('PutParameter')).toBe(1);
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const file = path.join(dir, 'meridian.yaml');
    fs.writeFileSync(
      file,
      `pipeline: from-ssm
parameters:
  Bucket: { ssm: /service/bucket }
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - { name: build, uses: commands, inputs: [src], commands: ['test "#{parameters.Bucket}" = bucket-from-ssm'] }
`,
    );
    const result = await runCli(['run', '-f', file, '--state-dir', state, '--json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as ExecutionSummary).status).toBe('Succeeded');
    expect(ssm.calls.get('GetParameter') ?? 0).toBeGreaterThan(0);
    // Nothing went to the local store.
    const local = await runCli(['params', 'get', '/service/bucket', '--state-dir', state]);
    expect(local.code).toBe(2);
  });

  it('refuses a value that names no parameter store', async () => {
    const result = await runCli(['params', 'list', '--state-dir', path.join(tempDir(), 'state')], { env: { MERIDIAN_PARAMETER_STORE: 'dynamo://x' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('write local, or ssm://REGION');
  });
});
