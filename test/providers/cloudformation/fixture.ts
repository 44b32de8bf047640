/**
 * Runs the CloudFormation provider through the real SDK client against the local
 * CloudFormation endpoint, with templates in real artifact folders.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ConfigValue } from '../../../src/domain/pipeline.js';
import { cloudFormationProvider } from '../../../src/providers/cloudformation/index.js';
import type { ActionResult } from '../../../src/providers/provider.js';
import { startCloudFormationEndpoint, type CloudFormationEndpoint } from '../../helpers/aws/cloudformation-endpoint.js';
import { makeTempDir, makeTestContext, type TestContext } from '../context.js';

export const REGION = 'eu-west-1';

export const TEMPLATE = `
Parameters:
  Env:
    Type: String
    Default: dev
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "q-\${Env}"
Outputs:
  Environment:
    Value: !Ref Env
  Fixed:
    Value: constant
`;

/** A template whose Queue fails to create, so the stack rolls back to ROLLBACK_COMPLETE. */
export const FAILING_TEMPLATE = TEMPLATE.replace('QueueName: !Sub "q-${Env}"', 'FailOnCreate: true');

/** Starts one endpoint for the test file and points the SDK at it through the standard variables. */
export function useEndpoint(): () => CloudFormationEndpoint {
  let endpoint: CloudFormationEndpoint | undefined;
  const saved = { ...process.env };
  beforeAll(async () => {
    endpoint = await startCloudFormationEndpoint();
    process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = endpoint.url;
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  });
  afterAll(async () => {
    process.env = saved;
    await endpoint?.close();
  });
  return () => {
    if (!endpoint) throw new Error('the endpoint has not started');
    return endpoint;
  };
}

/** An artifact folder holding `files` (path -> content). */
export async function artifact(files: Record<string, string>): Promise<string> {
  const dir = await makeTempDir('meridian-cfn-artifact-');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

export interface RunOptions {
  configuration: Record<string, ConfigValue>;
  inputs?: Record<string, string>;
  outputs?: string[];
  region?: string;
}

export async function runAction(options: RunOptions): Promise<{ test: TestContext; result: ActionResult }> {
  const test = await makeTestContext({ type: 'Deploy/AWS/CloudFormation', region: options.region ?? REGION, ...options });
  expect(cloudFormationProvider.validate?.(test.ctx.action) ?? []).toEqual([]);
  const result = await cloudFormationProvider.run(test.ctx);
  return { test, result };
}

/** Runs the action expecting it to fail; returns the error message and the log. */
export async function runFailing(options: RunOptions): Promise<{ message: string; log: string }> {
  const test = await makeTestContext({ type: 'Deploy/AWS/CloudFormation', region: options.region ?? REGION, ...options });
  const error = await cloudFormationProvider.run(test.ctx).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  return { message: (error as Error).message, log: test.log() };
}

/** Deploys `stack` with a failing resource so that it ends in ROLLBACK_COMPLETE. */
export async function rolledBackStack(endpoint: CloudFormationEndpoint, stack: string): Promise<void> {
  const src = await artifact({ 'bad.yaml': FAILING_TEMPLATE });
  const { message } = await runFailing({ configuration: { ActionMode: 'CREATE_UPDATE', StackName: stack, TemplatePath: 'src::bad.yaml' }, inputs: { src } });
  expect(message).toContain('ROLLBACK_COMPLETE');
  expect(endpoint.stacks(REGION).find((item) => item.name === stack)?.status).toBe('ROLLBACK_COMPLETE');
}

export function stackStatus(endpoint: CloudFormationEndpoint, stack: string, region = REGION): string | undefined {
  return endpoint.stacks(region).find((item) => item.name === stack)?.status;
}
