/**
 * A small SSM Parameter Store endpoint for tests: HTTP on 127.0.0.1 speaking SSM's JSON 1.1
 * protocol, in memory, driven through the real @aws-sdk/client-ssm. README-ssm.md lists
 * exactly what it covers. It does not check signatures.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Version {
  Name: string;
  Type: string;
  Value: string;
  Version: number;
  Description?: string;
  LastModifiedDate: number;
}

class SsmError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

/** SSM keeps 100 versions and drops the oldest on the next put. */
const KEPT_VERSIONS = 100;

export interface SsmEndpoint {
  endpoint: string;
  /** Requests served so far, by operation. */
  calls: Map<string, number>;
  close(): Promise<void>;
}

export async function startSsmEndpoint(): Promise<SsmEndpoint> {
  const parameters = new Map<string, Version[]>();
  const calls = new Map<string, number>();

  const operations: Record<string, (body: Body) => Body> = {
    PutParameter: (body) => {
      const name = requireName(body['Name']);
      const value = str(body['Value']);
      if (value === undefined || value === '')
        throw new SsmError('ValidationException', "1 validation error detected: Value at 'value' failed to satisfy constraint");
      const history = parameters.get(name) ?? [];
      const latest = history.at(-1);
      if (latest && body['Overwrite'] !== true)
        throw new SsmError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
      const type = str(body['Type']) ?? latest?.Type;
      if (type === undefined) throw new SsmError('ValidationException', 'A parameter type is required when you create a parameter.');
      if (!['String', 'StringList', 'SecureString'].includes(type)) throw new SsmError('ValidationException', `Type ${type} is not valid`);
      const description = str(body['Description']) ?? latest?.Description;
      const version: Version = { Name: name, Type: type, Value: value, Version: (latest?.Version ?? 0) + 1, LastModifiedDate: Date.now() / 1000 };
      if (description !== undefined) version.Description = description;
      history.push(version);
      if (history.length > KEPT_VERSIONS) history.shift();
      parameters.set(name, history);
      return { Version: version.Version, Tier: 'Standard' };
    },
    GetParameter: (body) => ({ Parameter: output(select(str(body['Name']) ?? ''), body['WithDecryption'] === true) }),
    GetParameters: (body) => {
      const names = Array.isArray(body['Names']) ? (body['Names'] as unknown[]).map(String) : [];
      const found: Body[] = [];
      const invalid: string[] = [];
      for (const name of names) {
        try {
          found.push(output(select(name), body['WithDecryption'] === true));
        } catch (error) {
          if (!(error instanceof SsmError)) throw error;
          invalid.push(name);
        }
      }
      return { Parameters: found, InvalidParameters: invalid };
    },
    GetParametersByPath: (body) => {
      const matches = underPath(str(body['Path']) ?? '', body['Recursive'] === true).map((history) => output(history.at(-1)!, body['WithDecryption'] === true));
      return page(matches, body, 10, 'Parameters');
    },
    GetParameterHistory: (body) => {
      const name = requireName(body['Name']);
      const history = parameters.get(name);
      if (!history) throw notFound();
      // Unlike GetParameter, history entries carry the description.
      const versions = history.map((version) => ({ ...output(version, body['WithDecryption'] === true), Description: version.Description, Labels: [] }));
      return page(versions, body, 50, 'Parameters');
    },
    DeleteParameter: (body) => {
      const name = requireName(body['Name']);
      if (!parameters.delete(name)) throw notFound();
      return {};
    },
    DescribeParameters: (body) => {
      const filters = Array.isArray(body['ParameterFilters']) ? (body['ParameterFilters'] as Body[]) : [];
      const pathFilter = filters.find((filter) => filter['Key'] === 'Path');
      if (filters.some((filter) => filter['Key'] !== 'Path')) throw new SsmError('ValidationException', 'this endpoint supports only the Path filter');
      const pathValue = Array.isArray(pathFilter?.['Values']) ? String((pathFilter['Values'] as unknown[])[0]) : undefined;
      const histories = pathValue === undefined ? [...parameters.values()] : underPath(pathValue, pathFilter?.['Option'] === 'Recursive');
      const sorted = histories.map((history) => history.at(-1)!).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
      const described = sorted.map(({ Value: _value, ...rest }) => ({ ...rest, Tier: 'Standard', DataType: 'text' }));
      return page(described, body, 50, 'Parameters', 10);
    },
  };

  function select(selector: string): Version {
    const colon = selector.lastIndexOf(':');
    const name = colon === -1 ? selector : selector.slice(0, colon);
    const history = parameters.get(requireName(name));
    if (!history) throw notFound();
    if (colon === -1) return history.at(-1)!;
    const wanted = Number(selector.slice(colon + 1));
    const found = history.find((version) => version.Version === wanted);
    if (!found)
      throw new SsmError(
        'ParameterVersionNotFound',
        `Systems Manager could not find version ${selector.slice(colon + 1)} of ${name}. Verify the version and try again.`,
      );
    return found;
  }

  /** GetParametersByPath's rule: one level below `path` unless recursive; `/` is the root. */
  function underPath(pathName: string, recursive: boolean): Version[][] {
    if (!pathName.startsWith('/')) throw new SsmError('ValidationException', 'The parameter path must begin with a forward slash (/).');
    const prefix = pathName.endsWith('/') ? pathName : `${pathName}/`;
    return [...parameters.entries()]
      .filter(([name]) => name.startsWith(prefix) && (recursive || !name.slice(prefix.length).includes('/')))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, history]) => history);
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = request.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith('AmazonSSM.') ? target.slice('AmazonSSM.'.length) : '';
    calls.set(operation, (calls.get(operation) ?? 0) + 1);
    const send = (status: number, body: Body): void => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${Date.now()}` });
      response.end(JSON.stringify(body));
    };
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const handler = operations[operation];
      if (request.method !== 'POST' || !handler) throw new SsmError('UnknownOperationException', `operation ${operation || '(none)'} is not supported here`);
      const text = Buffer.concat(chunks).toString('utf8');
      send(200, handler(text === '' ? {} : (JSON.parse(text) as Body)));
    } catch (error) {
      if (error instanceof SsmError) send(400, { __type: error.type, message: error.message });
      else send(500, { __type: 'InternalServerError', message: String(error) });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function requireName(value: unknown): string {
  const name = str(value);
  if (name === undefined || name === '') throw new SsmError('ValidationException', 'Parameter name must not be empty.');
  if (name.includes('/') && !name.startsWith('/'))
    throw new SsmError(
      'ValidationException',
      'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it must be fully qualified with a leading "/".',
    );
  return name;
}

function notFound(): SsmError {
  return new SsmError('ParameterNotFound', 'Parameter not found.');
}

/** A SecureString without WithDecryption comes back as an opaque base64 blob, as KMS ciphertext does. */
function output(version: Version, withDecryption: boolean): Body {
  const value =
    version.Type === 'SecureString' && !withDecryption
      ? `AQICAH${Buffer.from(`kms:${version.Name}:${version.Version}:${version.Value}`).reverse().toString('base64')}`
      : version.Value;
  const { Description: _description, ...rest } = version;
  return {
    ...rest,
    Value: value,
    ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${version.Name.startsWith('/') ? '' : '/'}${version.Name}`,
    DataType: 'text',
  };
}

/** SSM's NextToken pagination: MaxResults per page (with a per-operation default and cap). */
function page(items: Body[], body: Body, cap: number, key: string, byDefault = cap): Body {
  const max = typeof body['MaxResults'] === 'number' ? body['MaxResults'] : byDefault;
  if (max < 1 || max > cap) throw new SsmError('ValidationException', `MaxResults must be between 1 and ${cap}`);
  const start = typeof body['NextToken'] === 'string' ? Number(body['NextToken']) : 0;
  const slice = items.slice(start, start + max);
  return start + max < items.length ? { [key]: slice, NextToken: String(start + max) } : { [key]: slice };
}
