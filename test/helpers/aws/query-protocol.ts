/**
 * The AWS query protocol as the SDK's CloudFormation client speaks it: form-encoded
 * requests (`Action=...&Version=2010-05-15`), XML responses, XML error bodies.
 */
import { randomUUID } from 'node:crypto';

export const CLOUDFORMATION_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** An error the endpoint answers with, as CloudFormation would. */
export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class QueryRequest {
  constructor(private readonly form: URLSearchParams) {}

  get action(): string {
    return this.form.get('Action') ?? '';
  }

  optional(name: string): string | undefined {
    return this.form.get(name) ?? undefined;
  }

  required(name: string): string {
    const value = this.form.get(name);
    if (value === null || value === '')
      throw new QueryError('ValidationError', `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
    return value;
  }

  /** `Name.member.N` scalars. */
  list(name: string): string[] {
    const items: string[] = [];
    for (let index = 1; this.form.has(`${name}.member.${index}`); index++) items.push(this.form.get(`${name}.member.${index}`) ?? '');
    return items;
  }

  /** `Name.member.N.Key` / `.Value` pairs as a record, e.g. Parameters or Tags. */
  pairs(name: string, key: string, value: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (let index = 1; this.form.has(`${name}.member.${index}.${key}`); index++) {
      result[this.form.get(`${name}.member.${index}.${key}`) ?? ''] = this.form.get(`${name}.member.${index}.${value}`) ?? '';
    }
    return result;
  }
}

/** The region of a SigV4-signed request: the credential scope `AKID/date/REGION/service/aws4_request`. */
export function requestRegion(authorization: string | undefined, host: string | undefined): string {
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization ?? '');
  if (scope?.[1]) return scope[1];
  const fromHost = /cloudformation\.([a-z0-9-]+)\./.exec(host ?? '');
  return fromHost?.[1] ?? 'us-east-1';
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** `<Tag>value</Tag>`, or nothing for undefined. */
export function element(tag: string, value: string | undefined): string {
  return value === undefined ? '' : `<${tag}>${escapeXml(value)}</${tag}>`;
}

/** `<Tag><member>...</member>...</Tag>`. */
export function members<T>(tag: string, items: readonly T[], render: (item: T) => string): string {
  return `<${tag}>${items.map((item) => `<member>${render(item)}</member>`).join('')}</${tag}>`;
}

export function successBody(action: string, result: string): string {
  return (
    `<${action}Response xmlns="${CLOUDFORMATION_NAMESPACE}"><${action}Result>${result}</${action}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function errorBody(error: QueryError): string {
  return (
    `<ErrorResponse xmlns="${CLOUDFORMATION_NAMESPACE}"><Error><Type>Sender</Type>${element('Code', error.code)}${element('Message', error.message)}</Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}
