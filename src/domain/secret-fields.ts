/**
 * Which fields of a compiled pipeline hold secret values: the one list every outward view
 * of a definition redacts through (lib/redact-pipeline.ts), and docs/security.md lists
 * ("Which configuration fields are secret"). A value that is a reference — a dynamic
 * reference `{{resolve:...}}`, a parameter-store name, a secret id — names where a secret
 * is kept, not the secret, and is shown as written; a value written as text (or given by
 * `!ImportValue`) is the secret itself and is replaced by SECRET_MARKER.
 */
import type { ConfigValue, Pipeline, TemplateParameter } from './pipeline.js';

/** What a redacted value shows: always this, never a prefix or a length. The Masker of action logs writes the same. */
export const SECRET_MARKER = '****';

/**
 * Action configuration properties that AWS marks `Secret: true` (GetPipeline prints `****`
 * for them): GitHub (version 1)'s OAuthToken. Redacted in every action, whatever its type,
 * as a custom action type may declare the same name.
 */
export const SECRET_CONFIGURATION_KEYS: readonly string[] = ['OAuthToken'];

/**
 * Properties of the template resources a pipeline keeps (`Pipeline.resources`) that hold a
 * credential, by resource type; `*` steps into every item of a list.
 */
export const SECRET_RESOURCE_PROPERTIES: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {
  'AWS::CodePipeline::Webhook': [['AuthenticationConfiguration', 'SecretToken']],
  'AWS::CodeBuild::Project': [
    ['Source', 'Auth', 'Resource'],
    ['SecondarySources', '*', 'Auth', 'Resource'],
  ],
  'AWS::CodeBuild::SourceCredential': [['Token']],
};

/**
 * Secrets shorter than this are still replaced in their own fields, but not searched for in
 * other text: a one-letter webhook secret would otherwise star out every such letter of every
 * answer (names, ids, dates) while protecting nothing a guess would not find.
 */
export const MIN_SEARCHED_SECRET = 4;

/** A value that names where a secret is kept (or was already redacted), rather than being one. */
export function isSecretReference(value: string): boolean {
  return value.startsWith('{{resolve:') || /^\*+$/.test(value);
}

/** A template parameter declared `NoEcho: true` whose `Default` is its value (an SSM-typed one's `Default` is a name). */
export function isSecretParameter(parameter: TemplateParameter): boolean {
  return parameter.noEcho === true && parameter.type !== 'SSM';
}

/** Every secret value written in the pipeline as text: webhook secrets, NoEcho parameter defaults, secret configuration and resource properties. */
export function secretValuesOf(pipeline: Pipeline): string[] {
  const values = new Set<string>();
  const keep = (value: ConfigValue | undefined): void => {
    if (typeof value === 'string' && value !== '' && !isSecretReference(value)) values.add(value);
  };
  for (const webhook of pipeline.webhooks) if (webhook.secret?.kind === 'plain') keep(webhook.secret.value);
  for (const parameter of pipeline.parameters) if (isSecretParameter(parameter)) keep(parameter.default);
  for (const stage of pipeline.stages) for (const action of stage.actions) for (const key of SECRET_CONFIGURATION_KEYS) keep(action.configuration[key]);
  for (const resource of Object.values(pipeline.resources))
    for (const path of SECRET_RESOURCE_PROPERTIES[resource.type] ?? []) for (const value of valuesAt(resource.properties, path)) keep(value);
  return [...values];
}

/** The values at `path` under `root` (`*`: every item of a list). */
export function valuesAt(root: ConfigValue, path: readonly string[]): ConfigValue[] {
  if (path.length === 0) return [root];
  const [head, ...rest] = path;
  if (head === '*') return Array.isArray(root) ? root.flatMap((item) => valuesAt(item, rest)) : [];
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return [];
  const next = root[head ?? ''];
  return next === undefined ? [] : valuesAt(next, rest);
}
