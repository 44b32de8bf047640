/**
 * zod issues -> Problems at the exact key or value, in words a YAML author reads:
 * "unknown key `runOrdr` in an action; did you mean `runOrder`?" rather than zod's
 * generic "Unrecognized key". For a union (a value that may take several shapes) the
 * branch whose shape matches the value explains the error.
 */
import { z } from 'zod';
import type { Problem } from '../../domain/errors.js';
import { problem } from '../../lib/problems.js';
import { closest, didYouMean, listWords } from '../../lib/suggest.js';
import { isPlainObject } from '../values.js';
import type { Locator, Path } from '../../lib/yaml/locator.js';

type Issue = z.core.$ZodIssue;

export function zodProblems(issues: readonly Issue[], root: z.ZodType, data: unknown, locator: Locator): Problem[] {
  const out: Problem[] = [];
  // "needs `parameter`" says nothing new next to "unknown key `paramter`; did you mean `parameter`?".
  const suggested = new Set<string>();
  const missing: Array<{ key: string; problem: Problem }> = [];
  const visit = (issue: Issue, base: Path): void => {
    const path = [...base, ...(issue.path as Path)];
    if (issue.code === 'invalid_union') {
      const branch = bestBranch(issue.errors, valueAt(data, path));
      if (branch) branch.forEach((inner) => visit(inner, path));
      else out.push(problem(locator.at(path), `${label(path)}: ${issue.message}`));
      return;
    }
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(root, path);
      for (const key of issue.keys) {
        const match = closest(key, allowed);
        if (match !== undefined) suggested.add(JSON.stringify([...path, match]));
        const hint = match !== undefined ? `did you mean \`${match}\`?` : allowed.length > 0 ? `${context(path)} may have ${listWords(allowed)}` : undefined;
        out.push(problem(locator.keyAt([...path, key]), `unknown key \`${key}\` in ${context(path)}`, hint));
      }
      return;
    }
    const described = describe(issue, path, data, locator);
    if (issue.code === 'invalid_type' && valueAt(data, path) === undefined) missing.push({ key: JSON.stringify(path), problem: described });
    else out.push(described);
  };
  issues.forEach((issue) => visit(issue, []));
  return [...out, ...missing.filter((entry) => !suggested.has(entry.key)).map((entry) => entry.problem)];
}

function describe(issue: Issue, path: Path, data: unknown, locator: Locator): Problem {
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return problem(locator.at(path), `${context(path.slice(0, -1))} needs \`${String(path[path.length - 1])}\``);
      return problem(locator.at(path), `${label(path)} must be ${noun(issue.expected)}, not ${kindOf(value)}`);
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      return problem(locator.at(path), `${label(path)} must be ${listWords(allowed)}`, typeof value === 'string' ? didYouMean(value, allowed) : undefined);
    }
    default:
      return problem(locator.at(path), issue.message.startsWith('`') || issue.message.startsWith('a ') ? issue.message : `${label(path)}: ${issue.message}`);
  }
}

/** The union branch that accepted the value's type (fewest issues first); undefined when none did. */
function bestBranch(branches: Issue[][], value: unknown): Issue[] | undefined {
  const typed = branches.filter((issues) => !issues.some((i) => i.path.length === 0 && ['invalid_type', 'invalid_value', 'invalid_union'].includes(i.code)));
  if (typed.length === 0 || !isPlainObject(value)) return undefined;
  return [...typed].sort((a, b) => a.length - b.length)[0];
}

function valueAt(data: unknown, path: Path): unknown {
  let current = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isPlainObject(current)) current = current[String(segment)];
    else return undefined;
  }
  return current;
}

/** The keys an object at `path` may have (every object shape a union allows there). */
export function allowedKeys(root: z.ZodType, path: Path): string[] {
  let schemas: z.ZodType[] = [root];
  for (const segment of path) {
    schemas = schemas.flatMap(unwrap).flatMap((schema): z.ZodType[] => {
      if (schema instanceof z.ZodObject) {
        const child = (schema.shape as Record<string, z.ZodType>)[String(segment)];
        return child ? [child] : [];
      }
      if (schema instanceof z.ZodArray) return [schema.element as z.ZodType];
      if (schema instanceof z.ZodRecord) return [schema.valueType as z.ZodType];
      return [];
    });
  }
  const keys = schemas.flatMap(unwrap).flatMap((schema) => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : []));
  return [...new Set(keys)];
}

function unwrap(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) return unwrap(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(unwrap);
  return [schema];
}

/** "`runOrder`" or "stages[1].name" style label of the value at `path`. */
function label(path: Path): string {
  const last = path[path.length - 1];
  return last === undefined ? 'the file' : typeof last === 'number' ? `item ${last + 1} of \`${String(path[path.length - 2])}\`` : `\`${last}\``;
}

/** What the object at `path` is, for "unknown key ... in an action". */
function context(path: Path): string {
  const named = [...path].reverse().find((segment) => typeof segment === 'string');
  const parent = path.length >= 2 ? path[path.length - 2] : undefined;
  if (path.length === 0) return 'the pipeline';
  if (parent === 'regions') return `region ${String(path[path.length - 1])}`;
  if (parent === 'sources' || parent === 'source') return `source ${String(path[path.length - 1])}`;
  if (parent === 'parameters') return `parameter ${String(path[path.length - 1])}`;
  if (parent === 'variables') return `variable ${String(path[path.length - 1])}`;
  if (parent === 'env') return `environment variable ${String(path[path.length - 1])}`;
  if (parent === 'actions') return 'an action';
  if (parent === 'stages') return 'a stage';
  return named === undefined ? 'this mapping' : `\`${named}\``;
}

function noun(expected: string): string {
  const nouns: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    boolean: 'true or false',
    record: 'a mapping',
  };
  return nouns[expected] ?? expected;
}

function kindOf(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  return `${typeof value === 'string' ? 'the string' : typeof value === 'number' ? 'the number' : 'the value'} \`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}
