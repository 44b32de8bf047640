/**
 * The parameter store in AWS Systems Manager Parameter Store (`ssm://` in a region). Names,
 * values and selectors are checked with the same rules as the local store before any call,
 * and SSM's errors become the local store's errors, so callers cannot tell the two apart.
 * SSM keeps versions and descriptions itself; a SecureString uses the account's default KMS key.
 */
import type { ParameterStringFilter, SSMClient, SSMClientConfig } from '@aws-sdk/client-ssm';
import { MeridianError } from '../../domain/errors.js';
import { loadSsm } from '../../lib/aws-sdk.js';
import { lazy } from '../../lib/lazy.js';
import { parameterAlreadyExists, parameterNotFound, parameterVersionNotFound } from './parameter-errors.js';
import { checkDescription, checkName, checkPath, checkType, checkValue, parseSelector } from './parameter-name.js';
import type { GetParameterOptions, ListParametersOptions, Parameter, ParameterStore, ParameterSummary, PutParameterInput } from './parameter-store.js';

export interface SsmParameterStoreOptions {
  region: string;
  /** An endpoint override; the caller reads `AWS_ENDPOINT_URL_SSM`. */
  endpoint?: string;
  /** Omitted: the SDK's default credential chain. */
  credentials?: SSMClientConfig['credentials'];
}

interface SsmParameterFields {
  Name?: string | undefined;
  Type?: string | undefined;
  Value?: string | undefined;
  Version?: number | undefined;
  Description?: string | undefined;
  LastModifiedDate?: Date | undefined;
}

export class SsmParameterStore implements ParameterStore {
  readonly region: string;
  /** The SSM client, made (and the SDK loaded) on first use. */
  readonly client: () => Promise<SSMClient>;

  constructor(options: SsmParameterStoreOptions) {
    this.region = options.region;
    const config: SSMClientConfig = {
      region: options.region,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    };
    this.client = lazy(async () => new (await loadSsm()).SSMClient(config));
  }

  async put(input: PutParameterInput): Promise<{ version: number }> {
    const { name, value } = input;
    checkName(name);
    const type = checkType(input.type ?? 'String');
    checkValue(name, type, value);
    if (input.description !== undefined) checkDescription(name, input.description);
    try {
      const { client, sdk } = await this.ssm();
      const result = await client.send(
        new sdk.PutParameterCommand({
          Name: name,
          Value: value,
          Type: type,
          Overwrite: input.overwrite === true,
          ...(input.description === undefined ? {} : { Description: input.description }),
        }),
      );
      return { version: result.Version ?? 0 };
    } catch (error) {
      throw this.translate(error, name);
    }
  }

  async get(selector: string, options: GetParameterOptions = {}): Promise<Parameter> {
    const parsed = parseSelector(selector);
    if (parsed.version !== undefined && options.version !== undefined && parsed.version !== options.version) {
      throw new MeridianError('BAD_INPUT', `"${selector}" and version ${options.version} select different versions; give one`);
    }
    const version = parsed.version ?? options.version;
    const withDecryption = options.withDecryption ?? true;
    try {
      const { client, sdk } = await this.ssm();
      const result = await client.send(
        new sdk.GetParameterCommand({ Name: version === undefined ? parsed.name : `${parsed.name}:${version}`, WithDecryption: withDecryption }),
      );
      // GetParameter returns no description (list and history have it); one call per get matters more.
      return toParameter(result.Parameter ?? {});
    } catch (error) {
      throw this.translate(error, parsed.name, version);
    }
  }

  async list(options: ListParametersOptions = {}): Promise<ParameterSummary[]> {
    if (options.path !== undefined) checkPath(options.path);
    // DescribeParameters rather than GetParametersByPath: it returns descriptions, no values.
    const filters: ParameterStringFilter[] =
      options.path === undefined ? [] : [{ Key: 'Path', Option: options.recursive === true ? 'Recursive' : 'OneLevel', Values: [options.path] }];
    const out: ParameterSummary[] = [];
    let token: string | undefined;
    try {
      const { client, sdk } = await this.ssm();
      do {
        const result = await client.send(
          new sdk.DescribeParametersCommand({
            MaxResults: 50,
            ...(filters.length > 0 ? { ParameterFilters: filters } : {}),
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const item of result.Parameters ?? []) out.push(toSummary(item));
        token = result.NextToken;
      } while (token);
    } catch (error) {
      throw this.translate(error, options.path ?? '/', undefined, `the parameters under ${options.path ?? '/'}`);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async history(name: string, options: Pick<GetParameterOptions, 'withDecryption'> = {}): Promise<Parameter[]> {
    checkName(name);
    try {
      const out: Parameter[] = [];
      let token: string | undefined;
      const { client, sdk } = await this.ssm();
      do {
        const result = await client.send(
          new sdk.GetParameterHistoryCommand({
            Name: name,
            WithDecryption: options.withDecryption ?? true,
            MaxResults: 50,
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const item of result.Parameters ?? []) out.push(toParameter({ ...item, Name: item.Name ?? name }));
        token = result.NextToken;
      } while (token);
      return out.sort((a, b) => a.version - b.version);
    } catch (error) {
      throw this.translate(error, name);
    }
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    try {
      const { client, sdk } = await this.ssm();
      await client.send(new sdk.DeleteParameterCommand({ Name: name }));
    } catch (error) {
      throw this.translate(error, name);
    }
  }

  /** The client and the SDK's commands. */
  private async ssm(): Promise<{ client: SSMClient; sdk: Awaited<ReturnType<typeof loadSsm>> }> {
    return { client: await this.client(), sdk: await loadSsm() };
  }

  /** SSM's error names become the local store's errors; `subject` names what failed in messages. */
  private translate(error: unknown, name: string, version?: number, subject = `parameter ${name}`): unknown {
    if (error instanceof MeridianError) return error;
    switch ((error as { name?: unknown } | undefined)?.name) {
      case 'ParameterNotFound':
        return parameterNotFound(name);
      case 'ParameterVersionNotFound':
        return version === undefined ? parameterNotFound(name) : parameterVersionNotFound(name, version);
      case 'ParameterAlreadyExists':
        return parameterAlreadyExists(name);
      case 'ParameterMaxVersionLimitExceeded':
        return new MeridianError(
          'CONFLICT',
          `parameter ${name} has 100 versions and the oldest has a label, so SSM keeps them all; remove the label or delete old versions`,
          {
            cause: error,
          },
        );
      case 'ValidationException':
        return new MeridianError('BAD_INPUT', `SSM in ${this.region} refused ${subject}: ${(error as Error).message}`, { cause: error });
      default:
        return new MeridianError('INTERNAL', `SSM in ${this.region} failed for ${subject}: ${(error as Error).message}; check the credentials and the region`, {
          cause: error,
          retryable: true,
        });
    }
  }
}

function toSummary(item: SsmParameterFields): ParameterSummary {
  const out: ParameterSummary = {
    name: item.Name ?? '',
    type: checkType(item.Type ?? 'String'),
    version: item.Version ?? 0,
    lastModifiedDate: (item.LastModifiedDate ?? new Date(0)).toISOString(),
  };
  if (item.Description !== undefined) out.description = item.Description;
  return out;
}

function toParameter(item: SsmParameterFields): Parameter {
  return { ...toSummary(item), value: item.Value ?? '' };
}
