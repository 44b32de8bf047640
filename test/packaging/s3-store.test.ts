/**
 * `meridian package` into a region whose store is an S3 bucket: the AWS CLI's behaviour
 * against a real S3 protocol server (s3rver): HeadObject first, MD5 keys, no second upload.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, TEST_CREDENTIALS, type S3Server } from '../helpers/aws/s3-server.js';
import { copyFixture, meridianPackage, ok, readTemplate } from './helpers.js';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server('eu-artifacts');
});
afterAll(async () => {
  await s3.close();
});

describe('meridian package: an S3 store', () => {
  it('uploads to the bucket under the store prefix with MD5 keys, names that bucket in the template, and skips an existing key', async () => {
    const dir = copyFixture('json');
    const env = {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      MERIDIAN_ARTIFACT_STORES: JSON.stringify({ 'eu-west-1': 's3://eu-artifacts/pipelines/app' }),
    };
    const args = ['--template-file', path.join(dir, 'template.json'), '--region', 'eu-west-1'];
    const first = ok(await meridianPackage(args, { env }));
    const codeUri = readTemplate(first.stdout).Resources.Fn?.Properties.CodeUri;
    expect(codeUri).toMatch(/^s3:\/\/eu-artifacts\/pipelines\/app\/[0-9a-f]{32}$/);
    expect(first.stderr).toMatch(/Uploading to pipelines\/app\/[0-9a-f]{32}/);
    const puts = s3.requests.get('PUT') ?? 0;
    expect(puts).toBeGreaterThan(0);
    const second = ok(await meridianPackage(args, { env }));
    expect(readTemplate(second.stdout).Resources.Fn?.Properties.CodeUri).toBe(codeUri);
    expect(second.stderr).toContain('File with same data already exists at pipelines/app/');
    expect(s3.requests.get('PUT') ?? 0).toBe(puts);
  });
});
