/**
 * The seed's shape, end to end: a CodePipeline template with a GitHub source started by a
 * `$.ref` webhook, a CodeBuild project taking three bucket names from SSM-typed parameters,
 * a buildspec that tests and runs `meridian package` once per region into that region's
 * bucket, and nine CloudFormation actions in three regions and three runOrders. It runs
 * through the CLI with `--source` on a local repository, against the local CloudFormation
 * endpoint and an S3 server, as the template is: no edit, no import.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { startCloudFormationEndpoint, type CloudFormationEndpoint } from '../helpers/aws/cloudformation-endpoint.js';
import { startS3Server, TEST_CREDENTIALS, type S3Server } from '../helpers/aws/s3-server.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

const FIXTURE = fileURLToPath(new URL('../../examples/orders/', import.meta.url));
const TEMPLATE = path.join(FIXTURE, 'orders.template.yaml');
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const BUCKETS: Record<string, string> = { eu: 'orders-eu-artifacts', us: 'orders-us-artifacts', ap: 'orders-ap-artifacts' };

let cloudFormation: CloudFormationEndpoint;
let s3: S3Server;
beforeAll(async () => {
  cloudFormation = await startCloudFormationEndpoint({ stepMs: 10 });
  s3 = await startS3Server(BUCKETS.eu);
  const client = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: TEST_CREDENTIALS });
  for (const bucket of [BUCKETS.us!, BUCKETS.ap!]) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
});
afterAll(async () => {
  await cloudFormation.close();
  await s3.close();
});

/** The files of the fixture's repository, by path. */
function repositoryFiles(root: string, dir = root): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, repositoryFiles(root, full));
    else files[path.relative(root, full)] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

describe('the seed-shaped template', () => {
  it("builds once, packages per region into each region's bucket, and leaves nine stacks in the right state in the right regions", async () => {
    const repo = makeRepo(repositoryFiles(path.join(FIXTURE, 'repo')));
    const state = path.join(tempDir(), 'state');
    const setup = [
      ['params', 'put', '/orders/artifacts/eu', BUCKETS.eu!],
      ['params', 'put', '/orders/artifacts/us', BUCKETS.us!],
      ['params', 'put', '/orders/artifacts/ap', BUCKETS.ap!],
      ['exports', 'set', 'OrdersBuildRole', 'arn:aws:iam::111122223333:role/orders-build'],
      ['exports', 'set', 'OrdersPipelineRole', 'arn:aws:iam::111122223333:role/orders-pipeline'],
      ['exports', 'set', 'OrdersDeployRole', 'arn:aws:iam::111122223333:role/orders-deploy'],
    ];
    for (const args of setup) expect((await runCli([...args, '--state-dir', state])).code).toBe(0);
    expect((await runCli(['validate', '-f', TEMPLATE, '--state-dir', state])).code).toBe(0);

    const env = {
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    };
    const result = await runCli(['run', '-f', TEMPLATE, '--source', `fetch=${repo}`, '--state-dir', state, '--json'], { env });
    expect(result.stderr).toBe('');
    const summary = JSON.parse(result.stdout) as ExecutionSummary;
    expect(summary.status, JSON.stringify(summary.stages.flatMap((s) => s.actions.filter((a) => a.error)))).toBe('Succeeded');
    expect(result.code).toBe(0);

    const deploy = summary.stages[2]!;
    expect(deploy.actions.map((a) => [a.name, a.region, a.runOrder, a.status])).toEqual([
      ['eu-base', 'eu-west-1', 1, 'Succeeded'],
      ['us-base', 'us-east-1', 1, 'Succeeded'],
      ['ap-base', 'ap-southeast-2', 1, 'Succeeded'],
      ['eu-plan', 'eu-west-1', 2, 'Succeeded'],
      ['us-plan', 'us-east-1', 2, 'Succeeded'],
      ['ap-plan', 'ap-southeast-2', 2, 'Succeeded'],
      ['eu-apply', 'eu-west-1', 3, 'Succeeded'],
      ['us-apply', 'us-east-1', 3, 'Succeeded'],
      ['ap-apply', 'ap-southeast-2', 3, 'Succeeded'],
    ]);
    // runOrder 2 starts only when every runOrder 1 action has ended, and so on.
    const ended = (order: number): number => Math.max(...deploy.actions.filter((a) => a.runOrder === order).map((a) => Date.parse(a.endedAt!)));
    const started = (order: number): number => Math.min(...deploy.actions.filter((a) => a.runOrder === order).map((a) => Date.parse(a.startedAt!)));
    expect(started(2)).toBeGreaterThanOrEqual(ended(1));
    expect(started(3)).toBeGreaterThanOrEqual(ended(2));

    // Each region has its own two stacks, created; the change set was executed and is gone.
    for (const region of REGIONS) {
      const stacks = cloudFormation
        .stacks(region)
        .map((s) => [s.name, s.status, s.changeSets.length])
        .sort();
      expect(stacks, region).toEqual([
        ['orders-app', 'CREATE_COMPLETE', 0],
        ['orders-base', 'CREATE_COMPLETE', 0],
      ]);
    }
    expect(
      cloudFormation.requests
        .filter((r) => r.action === 'ExecuteChangeSet')
        .map((r) => r.region)
        .sort(),
    ).toEqual([...REGIONS].sort());

    // The build ran the tests and packaged once per region, each into its own bucket (named by SSM parameters).
    const log = (await runCli(['logs', summary.executionId, 'build', '--state-dir', state])).stdout;
    expect(log).toMatch(/# pass 1/);
    expect(log.match(/Successfully packaged artifacts and wrote output template to file (eu|us|ap)\.app\.yaml/g)).toHaveLength(3);
    const client = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: TEST_CREDENTIALS });
    try {
      for (const bucket of Object.values(BUCKETS)) {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
        expect(listed.KeyCount, bucket).toBe(1);
      }
    } finally {
      client.destroy();
    }
  });
});
