/**
 * The environment child processes of providers inherit. This is the only module of the
 * providers that reads `process.env`: a git command or a user's shell needs PATH, HOME and
 * the user's credentials helpers, but not what would point it at the wrong repository or
 * hand it Meridian's own secrets.
 */

/** Set by git for hooks; inherited, they would make every git command use another repository. */
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
];

export function inheritedEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // MERIDIAN_TOKEN and friends belong to the server, not to the code a pipeline runs.
    if (name.startsWith('MERIDIAN_') || REPOSITORY_VARIABLES.includes(name)) continue;
    env[name] = value;
  }
  return env;
}

/**
 * The CloudFormation endpoint override of the AWS SDKs' standard variables: the
 * service-specific `AWS_ENDPOINT_URL_CLOUDFORMATION` first, then the global
 * `AWS_ENDPOINT_URL`; none when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true. Read here so
 * that the override does not depend on the SDK version's own support for these variables.
 */
export function cloudFormationEndpoint(): string | undefined {
  if (/^true$/i.test(process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return undefined;
  const endpoint = process.env.AWS_ENDPOINT_URL_CLOUDFORMATION ?? process.env.AWS_ENDPOINT_URL;
  return endpoint === undefined || endpoint === '' ? undefined : endpoint;
}
