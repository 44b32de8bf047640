/**
 * CloudFormation dynamic references (`{{resolve:SERVICE:...}}`) where Meridian reads a
 * value when it needs it rather than when the template is loaded:
 *
 * - `{{resolve:ssm:NAME}}` and `{{resolve:ssm-secure:NAME}}` -> the parameter store name;
 * - `{{resolve:secretsmanager:ID[:SecretString[:KEY[:STAGE[:VERSION-ID]]]]}}` -> the
 *   secret reference `ID[:KEY[:STAGE[:VERSION-ID]]]` Meridian's secret store reads. ID may
 *   be an ARN (`arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`), colons and all.
 *
 * A pinned parameter version (`{{resolve:ssm:NAME:3}}`) and `SecretBinary` are refused:
 * Meridian's stores give the current value of a parameter and secrets as text.
 */

export type DynamicReference = { kind: 'parameter'; name: string } | { kind: 'secret'; reference: string } | { kind: 'invalid'; message: string; hint: string };

const WHOLE = /^\{\{resolve:([a-z-]+):(.*)\}\}$/s;

/** True when the text holds a dynamic reference anywhere. */
export function hasDynamicReference(text: string): boolean {
  return text.includes('{{resolve:');
}

/** The reference the whole text is, or undefined when the text is not one dynamic reference. */
export function parseDynamicReference(text: string): DynamicReference | undefined {
  const match = WHOLE.exec(text);
  if (!match) return undefined;
  const service = match[1]!;
  const rest = match[2]!;
  switch (service) {
    case 'ssm':
    case 'ssm-secure':
      return parameterReference(service, rest);
    case 'secretsmanager':
      return secretReference(rest);
    default:
      return {
        kind: 'invalid',
        message: `dynamic reference \`{{resolve:${service}:...}}\` is not one Meridian reads`,
        hint: 'use `{{resolve:ssm:NAME}}`, `{{resolve:ssm-secure:NAME}}` or `{{resolve:secretsmanager:ID:SecretString:KEY}}`',
      };
  }
}

function parameterReference(service: string, rest: string): DynamicReference {
  // Parameter names may not contain `:`, so a colon starts the version.
  const [name = '', version] = rest.split(':');
  if (name === '')
    return { kind: 'invalid', message: `\`{{resolve:${service}:}}\` names no parameter`, hint: `write \`{{resolve:${service}:/path/to/parameter}}\`` };
  if (version !== undefined) {
    return {
      kind: 'invalid',
      message: `\`{{resolve:${service}:${rest}}}\` pins version ${version}: Meridian reads the current value of a parameter`,
      hint: `write \`{{resolve:${service}:${name}}}\``,
    };
  }
  return { kind: 'parameter', name };
}

function secretReference(rest: string): DynamicReference {
  const parts = rest.split(':');
  // An ARN spends seven segments: arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME.
  const idLength = parts[0] === 'arn' ? 7 : 1;
  const id = parts.slice(0, idLength).join(':');
  const [field, key, stage, versionId] = parts.slice(idLength);
  if (id === '' || parts.length < idLength) {
    return { kind: 'invalid', message: '`{{resolve:secretsmanager:...}}` names no secret', hint: 'write `{{resolve:secretsmanager:ID:SecretString:KEY}}`' };
  }
  if (field !== undefined && field !== '' && field !== 'SecretString') {
    return {
      kind: 'invalid',
      message: `\`${field}\` in \`{{resolve:secretsmanager:${rest}}}\` is not supported: Meridian reads a secret's SecretString`,
      hint: `write \`{{resolve:secretsmanager:${id}:SecretString${key ? `:${key}` : ''}}}\``,
    };
  }
  const tail = [key ?? '', stage ?? '', versionId ?? ''];
  while (tail.length > 0 && tail[tail.length - 1] === '') tail.pop();
  return { kind: 'secret', reference: [id, ...tail].join(':') };
}
