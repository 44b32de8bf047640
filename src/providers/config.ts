/**
 * Reading an action's configuration. CodePipeline configuration values are strings, but a
 * native definition may hold numbers, booleans and lists, so scalars are read as their
 * string form and lists as arrays or comma-separated strings.
 */
import type { Action, ConfigValue } from '../domain/pipeline.js';
import type { ConfigProblem } from './provider.js';

/** The value as a string; undefined when absent, null or empty. Lists and maps are not strings. */
export function configString(action: Action, key: string): string | undefined {
  const value = action.configuration[key];
  if (value === undefined || value === null || typeof value === 'object') return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}

/** A list given as an array of scalars or as a comma-separated string; blanks dropped. */
export function configList(action: Action, key: string): string[] | undefined {
  const value = action.configuration[key];
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value.map(scalarText) : typeof value === 'object' ? [] : String(value).split(',');
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** `true`/`false` in any case, or a boolean; undefined when absent. */
export function configBoolean(action: Action, key: string): boolean | undefined {
  const text = configString(action, key);
  if (text === undefined) return undefined;
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  return undefined;
}

/** One problem per required key that is missing or empty. */
export function missingKeys(action: Action, keys: readonly string[]): ConfigProblem[] {
  return keys.filter((key) => configString(action, key) === undefined).map((key) => ({ field: key, message: `${key} is required for ${action.name}` }));
}

/** A problem when `key` is set but is not `true` or `false`. */
export function booleanProblems(action: Action, key: string): ConfigProblem[] {
  const value = action.configuration[key];
  if (value === undefined || value === null || configBoolean(action, key) !== undefined) return [];
  return [{ field: key, message: `${key} must be true or false`, hint: `write ${key}: false` }];
}

/** A map or list as the value itself: native YAML gives it so, a CodePipeline template as JSON text. Other values as they are. */
export function structuredValue(value: ConfigValue | undefined): ConfigValue | undefined {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return value;
  try {
    return JSON.parse(text) as ConfigValue;
  } catch {
    return value;
  }
}

function scalarText(value: ConfigValue): string {
  return value === null || typeof value === 'object' ? '' : String(value);
}
