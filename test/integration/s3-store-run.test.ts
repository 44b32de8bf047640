import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { startS3Server, TEST_CREDENTIALS, type S3Server } from '../helpers/aws/s3-server.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server('eu-artifacts');
});
afterAll(async () => {
  await s3.close();
});

describe('a region whose artifact store is an S3 bucket', () => {
  it('stores artifacts for that region in the bucket (AWS_ENDPOINT_URL_S3) and the others in folders', async () => {
    const repo = makeRepo({ 'app.txt': 'v1\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const file = path.join(dir, 'meridian.yaml');
    fs.writeFileSync(
      file,
      `pipeline: s3-stores
home: us-east-1
regions:
  us-east-1: { timezone: America/New_York }
  eu-west-1: { timezone: Europe/Dublin, store: "s3://eu-artifacts/pipelines/s3-stores" }
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Deploy
    actions:
      - name: deploy-eu
        uses: commands
        region: eu-west-1
        inputs: [src]
        commands: ["test \\"$(cat app.txt)\\" = v1"]
`,
    );
    const env = {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    };
    const result = await runCli(['run', '-f', file, '--state-dir', state, '--json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as ExecutionSummary).status).toBe('Succeeded');
    const log = (await runCli(['logs', (JSON.parse(result.stdout) as ExecutionSummary).executionId, 'deploy-eu', '--state-dir', state])).stdout;
    expect(log).toMatch(/Replicated src \([0-9a-f]+, .*\) from us-east-1 to eu-west-1/);
    expect(s3.requests.get('PUT') ?? 0).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(state, 'stores', 'eu-west-1'))).toBe(false);
  });
});
