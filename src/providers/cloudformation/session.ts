/**
 * One action's conversation with CloudFormation about one stack in one region: the SDK
 * client, the abort signal, and the wording every error shares (region and stack named).
 */
import type { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import { MeridianError } from '../../domain/errors.js';
import { loadCloudFormation } from '../../lib/aws-sdk.js';
import { raceAbort } from '../abort.js';
import { cloudFormationEndpoint } from '../inherited-environment.js';
import type { LogSink } from '../provider.js';

/** The SDK's commands, loaded by the first CloudFormation action (lib/aws-sdk.ts). */
export type CloudFormationSdk = Awaited<ReturnType<typeof loadCloudFormation>>;

export interface StackSession {
  client: CloudFormationClient;
  sdk: CloudFormationSdk;
  signal: AbortSignal;
  log: LogSink;
  region: string;
  stackName: string;
}

/** The standard credential chain and region; the endpoint from the standard override variables. */
export async function makeClient(region: string): Promise<{ client: CloudFormationClient; sdk: CloudFormationSdk }> {
  const sdk = await loadCloudFormation();
  return { client: new sdk.CloudFormationClient({ region, endpoint: cloudFormationEndpoint() }), sdk };
}

/** Settles with the request, or fails as soon as the action is stopped. */
export function call<T>(session: StackSession, request: Promise<T>): Promise<T> {
  return raceAbort(request, session.signal);
}

/** An error from CloudFormation with this code (and text in its message, when given). */
export function isAwsError(error: unknown, code: string, text?: string): boolean {
  return error instanceof Error && error.name === code && (text === undefined || error.message.includes(text));
}

export function stackFailure(session: StackSession, message: string, options: { hint?: string; cause?: unknown } = {}): MeridianError {
  return new MeridianError('ACTION_FAILED', `stack ${session.stackName} in ${session.region}: ${message}`, {
    fault: 'user',
    details: options.hint === undefined ? {} : { hint: options.hint },
    cause: options.cause,
  });
}

/** The stack by name or id; undefined when CloudFormation says it does not exist. */
export async function describeStack(session: StackSession, id = session.stackName): Promise<Stack | undefined> {
  try {
    const result = await call(session, session.client.send(new session.sdk.DescribeStacksCommand({ StackName: id })));
    return result.Stacks?.[0];
  } catch (error) {
    if (isAwsError(error, 'ValidationError', 'does not exist')) return undefined;
    throw error;
  }
}
