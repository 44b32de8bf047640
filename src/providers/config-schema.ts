/**
 * The configuration a provider accepts, written once as data: every key with its type,
 * whether it is required, its default and an example. From it come the strict check of each
 * action's configuration (`configProblems`: an unknown key refused with the nearest right
 * spelling, a value of the wrong type), the `with:` schemas of `meridian schema`
 * (`configJsonSchema`) and the reference pages under docs/reference/ (scripts/provider-reference.mjs).
 *
 * Keys are in CodePipeline's spelling; the native format's `with:` aliases are renamed before
 * the check. CodePipeline gives every value as a string, so a number may be written as its
 * digits, a boolean as `true`/`false`, a list as comma-separated text and a map as JSON text.
 * A value that holds a reference resolved later (`#{...}`, `{{resolve:...}}`) is not judged
 * by type: only that value waits, every other key and value is still checked.
 */
import type { ConfigValue } from '../domain/pipeline.js';
import { didYouMean, listWords } from '../lib/suggest.js';
import { structuredValue } from './config.js';
import type { ConfigProblem } from './provider.js';

export type ConfigType = 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'object' | 'map' | 'json';

export interface ConfigField {
  type: ConfigType;
  description: string;
  /** Required whatever the other keys say; reported by the provider's `validate`, marked in the JSON Schema. */
  required?: boolean;
  default?: string | number | boolean;
  /** The values a string may take. */
  values?: readonly string[];
  example?: ConfigValue;
  /** The keys of an `object`. */
  fields?: Readonly<Record<string, ConfigField>>;
  /** What each entry of a `map` is (its keys are free). */
  entries?: ConfigField;
}

export interface ConfigSchema {
  /** One line: what the action does. */
  summary: string;
  fields: Readonly<Record<string, ConfigField>>;
  /** A whole configuration that passes the check, for the reference page. */
  example: Readonly<Record<string, ConfigValue>>;
}

const LATER = /#\{|\{\{resolve:|\$\{/;

/** Whether `value` holds a reference resolved after validation, anywhere inside it. */
export function resolvedLater(value: ConfigValue | undefined): boolean {
  if (typeof value === 'string') return LATER.test(value);
  if (Array.isArray(value)) return value.some(resolvedLater);
  if (value !== null && typeof value === 'object') return Object.values(value).some(resolvedLater);
  return false;
}

/**
 * Every problem of `configuration` against `schema`: unknown keys, wrong types, values not
 * allowed. Required keys are the provider's `validate` to report, as what is required often
 * depends on other keys (a CloudFormation mode); `required` marks them for the JSON Schema.
 */
export function configProblems(schema: ConfigSchema, configuration: Readonly<Record<string, ConfigValue>>, where: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  checkObject(schema.fields, configuration, '', where, problems);
  return problems;
}

function checkObject(
  fields: Readonly<Record<string, ConfigField>>,
  value: Readonly<Record<string, ConfigValue>>,
  prefix: string,
  where: string,
  problems: ConfigProblem[],
): void {
  const known = Object.keys(fields);
  for (const [key, item] of Object.entries(value)) {
    const field = fields[key];
    if (field === undefined) {
      problems.push({
        field: `${prefix}${key}`,
        message: `unknown key \`${key}\` in ${where}`,
        hint: didYouMean(key, known) ?? (known.length === 0 ? 'it takes no configuration' : `use ${listWords(known)}`),
        unknownKey: { written: key, known },
      });
      continue;
    }
    checkValue(field, item, `${prefix}${key}`, problems);
  }
}

function checkValue(field: ConfigField, value: ConfigValue, path: string, problems: ConfigProblem[]): void {
  if (value === null || value === undefined) return;
  const structured = field.type === 'object' || field.type === 'map' || field.type === 'list' ? (structuredValue(value) ?? null) : value;
  // An object's own keys are checked even when one of its values waits for a variable.
  if (field.type === 'object' && isRecord(structured)) {
    checkObject(field.fields ?? {}, structured, `${path}.`, `\`${path}\``, problems);
    return;
  }
  if (field.type === 'map' && isRecord(structured)) {
    if (field.entries) for (const [key, item] of Object.entries(structured)) checkValue(field.entries, item, `${path}.${key}`, problems);
    return;
  }
  if (resolvedLater(value)) return;
  const wrong = typeProblem(field, structured);
  if (wrong !== undefined) problems.push({ field: path, message: `\`${path}\` ${wrong}`, hint: exampleHint(path, field) });
}

function typeProblem(field: ConfigField, value: ConfigValue): string | undefined {
  const scalar = value !== null && typeof value !== 'object';
  const text = scalar ? String(value) : '';
  switch (field.type) {
    case 'string':
      if (!scalar) return 'must be text, not a list or map';
      if (field.values && !field.values.includes(text)) return `is \`${text}\`; use ${listWords(field.values)}`;
      return undefined;
    case 'integer':
      return scalar && /^-?\d+$/.test(text.trim()) ? undefined : 'must be a whole number';
    case 'number':
      return scalar && text.trim() !== '' && Number.isFinite(Number(text)) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' || /^(true|false)$/i.test(text) ? undefined : 'must be true or false';
    case 'list':
      return Array.isArray(value) ? listItemsProblem(value) : scalar ? undefined : 'must be a list';
    case 'object':
    case 'map':
      return 'must be a map';
    case 'json':
      return undefined;
  }
}

function listItemsProblem(items: ConfigValue[]): string | undefined {
  return items.every((item) => item === null || typeof item !== 'object') ? undefined : 'must be a list of text values';
}

function exampleHint(path: string, field: ConfigField): string | undefined {
  if (field.example === undefined) return undefined;
  const key = path.split('.').pop() ?? path;
  return `e.g. ${key}: ${JSON.stringify(field.example)}`;
}

function isRecord(value: ConfigValue): value is Record<string, ConfigValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The JSON Schema of a configuration, keyed as `keyOf` says (the native `with:` names its
 * aliases): strict (`additionalProperties: false`), each key described, with its default.
 * A string may always hold a `#{...}` reference, so numbers and booleans also accept text.
 */
export function configJsonSchema(schema: ConfigSchema, keysOf: (key: string) => readonly string[] = (key) => [key]): Record<string, unknown> {
  return objectSchema(schema.fields, keysOf, schema.summary);
}

/** A key with several spellings (an alias and the CodePipeline key) is required as any one of them. */
function objectSchema(
  fields: Readonly<Record<string, ConfigField>>,
  keysOf: (key: string) => readonly string[],
  description?: string,
): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const anyOf: Array<{ required: string[] }[]> = [];
  for (const [key, field] of Object.entries(fields)) {
    const spellings = keysOf(key);
    for (const spelling of spellings) properties[spelling] = fieldSchema(field);
    if (!field.required) continue;
    if (spellings.length === 1) required.push(spellings[0]!);
    else anyOf.push(spellings.map((spelling) => ({ required: [spelling] })));
  }
  return {
    type: 'object',
    ...(description === undefined ? {} : { description }),
    properties,
    ...(required.length > 0 ? { required } : {}),
    ...(anyOf.length > 0 ? { allOf: anyOf.map((choices) => ({ anyOf: choices })) } : {}),
    additionalProperties: false,
  };
}

function fieldSchema(field: ConfigField): Record<string, unknown> {
  const about = { description: field.description, ...(field.default === undefined ? {} : { default: field.default }) };
  const text = { type: 'string' };
  switch (field.type) {
    case 'string':
      return {
        ...about,
        ...(field.values ? { anyOf: [{ enum: [...field.values] }, { type: 'string', pattern: '#\\{' }] } : { type: ['string', 'number', 'boolean'] }),
      };
    case 'integer':
      return { ...about, anyOf: [{ type: 'integer' }, text] };
    case 'number':
      return { ...about, anyOf: [{ type: 'number' }, text] };
    case 'boolean':
      return { ...about, anyOf: [{ type: 'boolean' }, text] };
    case 'list':
      return { ...about, anyOf: [{ type: 'array', items: { type: ['string', 'number', 'boolean'] } }, text] };
    case 'object':
      return { ...about, anyOf: [objectSchema(field.fields ?? {}, (key) => [key]), text] };
    case 'map':
      return { ...about, anyOf: [{ type: 'object', additionalProperties: field.entries ? fieldSchema(field.entries) : true }, text] };
    case 'json':
      return about;
  }
}
