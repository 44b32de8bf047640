/**
 * The CLI's settings that come from the environment, read here and nowhere else; the
 * stores take them as arguments.
 */

/** `MERIDIAN_MASTER_KEY`: base64 or hex of 32 bytes; unset or empty means `<state-dir>/master.key`. */
export function masterKeyFromEnv(): string | undefined {
  const value = process.env['MERIDIAN_MASTER_KEY'];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * `MERIDIAN_ARTIFACT_STORES`: JSON `{ "<region>": "<store folder>" }` of the current execution,
 * exported by a build so that `meridian package --region R` writes to R's store. Unset or
 * empty means none.
 */
export function artifactStoresFromEnv(): string | undefined {
  const value = process.env['MERIDIAN_ARTIFACT_STORES'];
  return value === undefined || value === '' ? undefined : value;
}

/** `MERIDIAN_STATE_DIR`: the state dir of the Meridian running the current build; unset or empty means none. */
export function stateDirFromEnv(): string | undefined {
  const value = process.env['MERIDIAN_STATE_DIR'];
  return value === undefined || value === '' ? undefined : value;
}

/** `AWS_REGION` (or `AWS_DEFAULT_REGION`): inside a build, the action's region. */
export function regionFromEnv(): string | undefined {
  const value = process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  return value === undefined || value === '' ? undefined : value;
}

/** `AWS_ENDPOINT_URL_S3`: the SDK's standard override for S3 (s3rver, MinIO…); unset or empty means AWS. */
export function s3EndpointFromEnv(): string | undefined {
  const value = process.env['AWS_ENDPOINT_URL_S3'];
  return value === undefined || value === '' ? undefined : value;
}

/** `AWS_ENDPOINT_URL_SSM`: the SDK's standard override for SSM; unset or empty means AWS. */
export function ssmEndpointFromEnv(): string | undefined {
  const value = process.env['AWS_ENDPOINT_URL_SSM'];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * `MERIDIAN_PARAMETER_STORE`: where parameters live. Unset, empty or `local`: the encrypted
 * store in the state dir. `ssm://REGION`: AWS Systems Manager Parameter Store in that region
 * (with `AWS_ENDPOINT_URL_SSM` for a local endpoint).
 */
export function parameterStoreFromEnv(): string | undefined {
  const value = process.env['MERIDIAN_PARAMETER_STORE'];
  return value === undefined || value === '' ? undefined : value;
}

/** `MERIDIAN_TOKEN`: the admin API token of `serve`, and the token CLI commands send to a server. */
export function apiTokenFromEnv(): string | undefined {
  const value = process.env['MERIDIAN_TOKEN'];
  return value === undefined || value === '' ? undefined : value;
}

/** `MERIDIAN_NOTIFY_SECRET`: signs `serve --notify` requests (X-Meridian-Signature-256); unset: unsigned. */
export function notifySecretFromEnv(): string | undefined {
  const value = process.env['MERIDIAN_NOTIFY_SECRET'];
  return value === undefined || value === '' ? undefined : value;
}

/** `MERIDIAN_DB`: the state database URL (`postgres://…`); unset or empty means SQLite in the state dir. */
export function dbUrlFromEnv(): string | undefined {
  const value = process.env['MERIDIAN_DB'];
  return value === undefined || value === '' ? undefined : value;
}
