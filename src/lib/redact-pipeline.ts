/**
 * The one redaction of a definition for every outward view (the API, the dashboard, `--json`):
 * the fields domain/secret-fields.ts lists show SECRET_MARKER, and so does any other place
 * of the definition where one of those values was written again (a token pasted into a
 * command too). What an execution needs keeps the real values: the engine and the agents
 * never read a redacted copy.
 */
import type { ConfigValue, Pipeline } from '../domain/pipeline.js';
import {
  isSecretParameter,
  isSecretReference,
  MIN_SEARCHED_SECRET,
  SECRET_CONFIGURATION_KEYS,
  SECRET_MARKER,
  SECRET_RESOURCE_PROPERTIES,
  secretValuesOf,
} from '../domain/secret-fields.js';
import { Masker } from './masker.js';

/** A copy of the pipeline with no secret value in it. */
export function redactPipeline(pipeline: Pipeline): Pipeline {
  const copy = JSON.parse(JSON.stringify(pipeline)) as Pipeline;
  for (const webhook of copy.webhooks) if (webhook.secret?.kind === 'plain') webhook.secret = { kind: 'plain', value: SECRET_MARKER };
  for (const parameter of copy.parameters) if (isSecretParameter(parameter) && parameter.default !== undefined) parameter.default = SECRET_MARKER;
  for (const stage of copy.stages)
    for (const action of stage.actions)
      for (const key of SECRET_CONFIGURATION_KEYS) if (isSecret(action.configuration[key])) action.configuration[key] = SECRET_MARKER;
  for (const resource of Object.values(copy.resources)) for (const path of SECRET_RESOURCE_PROPERTIES[resource.type] ?? []) redactAt(resource.properties, path);
  return maskDeep(copy, maskerOf(secretValuesOf(pipeline)));
}

/** A masker for secret values in free text (the short ones are left to their fields: see MIN_SEARCHED_SECRET). */
export function maskerOf(values: Iterable<string>): Masker {
  const masker = new Masker();
  for (const value of values) if (value.length >= MIN_SEARCHED_SECRET) masker.add(value);
  return masker;
}

/** Every string of a JSON value (keys left alone) through the masker; a new value. */
export function maskDeep<T>(value: T, masker: Masker): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return masker.mask(item);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
    return item;
  };
  return walk(value) as T;
}

function isSecret(value: ConfigValue | undefined): boolean {
  return value !== undefined && value !== null && value !== '' && !(typeof value === 'string' && isSecretReference(value));
}

/** Replaces the values at `path` (`*`: every item of a list) with the marker. */
function redactAt(root: ConfigValue, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || root === null || typeof root !== 'object') return;
  if (head === '*') {
    if (Array.isArray(root)) for (const item of root) redactAt(item, rest);
    return;
  }
  if (Array.isArray(root) || !(head in root)) return;
  if (rest.length > 0) redactAt(root[head] as ConfigValue, rest);
  else if (isSecret(root[head])) root[head] = SECRET_MARKER;
}
