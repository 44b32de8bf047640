/**
 * Secret names and references as Secrets Manager, CodeBuild (`env/secrets-manager`) and
 * CodePipeline (SECRETS_MANAGER variables) write them:
 * `secret-id[:json-key[:version-stage[:version-id]]]`, where empty parts mean "not given",
 * e.g. `db::AWSPREVIOUS`.
 */
import { MeridianError } from '../../domain/errors.js';

const SECRET_ID = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const STAGE = /^[A-Za-z0-9/_+=.@-]{1,256}$/;
const FORMAT = 'write secret-id[:json-key[:version-stage[:version-id]]], e.g. db-credentials:password or db-credentials::AWSPREVIOUS';

export interface SecretReference {
  secretId: string;
  jsonKey?: string;
  stage?: string;
  versionId?: string;
}

export function checkSecretId(secretId: string): void {
  if (!SECRET_ID.test(secretId)) {
    throw new MeridianError('BAD_INPUT', `secret id "${secretId}" is not valid: use 1 to 512 letters, digits and / _ + = . @ -`, { details: { secretId } });
  }
}

export function checkStage(stage: string): void {
  if (!STAGE.test(stage)) {
    throw new MeridianError('BAD_INPUT', `version stage "${stage}" is not valid: use 1 to 256 letters, digits and / _ + = . @ -`);
  }
}

export function parseSecretReference(reference: string): SecretReference {
  const parts = reference.split(':');
  if (parts.length > 4) {
    throw new MeridianError('BAD_INPUT', `secret reference "${reference}" has ${parts.length} parts; ${FORMAT}. ARNs are not supported: use the secret's name`);
  }
  const [secretId = '', jsonKey = '', stage = '', versionId = ''] = parts;
  if (secretId === '') throw new MeridianError('BAD_INPUT', `secret reference "${reference}" has no secret id; ${FORMAT}`);
  checkSecretId(secretId);
  const parsed: SecretReference = { secretId };
  if (jsonKey !== '') parsed.jsonKey = jsonKey;
  if (stage !== '') {
    checkStage(stage);
    parsed.stage = stage;
  }
  if (versionId !== '') parsed.versionId = versionId;
  return parsed;
}

/** The value of a top-level key of a JSON secret; non-string values come back as JSON. */
export function readJsonKey(secretId: string, text: string, jsonKey: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MeridianError(
      'BAD_INPUT',
      `secret ${secretId} is not a JSON object, so it has no key "${jsonKey}"; leave the json-key part of the reference empty to read the whole secret`,
    );
  }
  const record = parsed as Record<string, unknown>;
  if (!Object.hasOwn(record, jsonKey)) {
    const keys = Object.keys(record);
    throw new MeridianError('NOT_FOUND', `secret ${secretId} has no JSON key "${jsonKey}"; its keys are ${keys.length === 0 ? '(none)' : keys.join(', ')}`);
  }
  const value = record[jsonKey];
  return typeof value === 'string' ? value : JSON.stringify(value);
}
