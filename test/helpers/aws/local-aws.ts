/**
 * The local AWS stand-ins together, for `npm run local-aws` (scripts/local-aws.mjs) and the
 * test of docs/moving-from-codepipeline.md: the CloudFormation endpoint, an S3 server with
 * the buckets asked for and the SSM endpoint, on 127.0.0.1, and the environment that points
 * the AWS SDK (so Meridian) at them. They are not AWS: see README.md beside this file.
 */
import { startCloudFormationEndpoint, type CloudFormationEndpoint } from './cloudformation-endpoint.js';
import { startS3Server, TEST_CREDENTIALS } from './s3-server.js';
import { startSsmEndpoint } from './ssm-endpoint.js';

export interface LocalAws {
  /** The variables to export: endpoints and the credentials the S3 server accepts. */
  env: Record<string, string>;
  buckets: string[];
  /** Each stack the CloudFormation endpoint holds, as `REGION NAME STATUS`, sorted. */
  stacks(): string[];
  close(): Promise<void>;
}

export async function startLocalAws(buckets: string[], options: { stepMs?: number } = {}): Promise<LocalAws> {
  const names = buckets.length > 0 ? buckets : ['meridian-artifacts'];
  const cloudFormation = await startCloudFormationEndpoint(options);
  const s3 = await startS3Server(names[0], ...names.slice(1));
  const ssm = await startSsmEndpoint();
  return {
    env: {
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    },
    buckets: names,
    stacks: () => stackLines(cloudFormation),
    async close() {
      await Promise.all([cloudFormation.close(), s3.close(), ssm.close()]);
    },
  };
}

function stackLines(cloudFormation: CloudFormationEndpoint): string[] {
  const regions = [...new Set(cloudFormation.requests.map((r) => r.region))];
  return regions.flatMap((region) => cloudFormation.stacks(region).map((stack) => `${region} ${stack.name} ${stack.status}`)).sort();
}
