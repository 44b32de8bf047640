/**
 * Typed reads over a resolved CodePipeline declaration, shared by the CloudFormation
 * template (PascalCase keys: `Stages`, `RunOrder`) and the get-pipeline JSON (camelCase:
 * `stages`, `runOrder`). Callers name keys in PascalCase; `key()` spells them for the file.
 * Values that could not be resolved (UNRESOLVED) were already reported and read as absent
 * without a second problem.
 */
import type { Problem } from '../../domain/errors.js';
import type { SourceLocation } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import { isPlainObject, UNRESOLVED } from '../values.js';
import type { Locator, Path } from '../../lib/yaml/locator.js';

export type KeyStyle = 'pascal' | 'camel';

export class DeclarationReader {
  readonly problems: Problem[] = [];
  /** A structural field (a name, a list of stages...) could not be resolved, so the model is incomplete. */
  sawUnresolved = false;

  constructor(
    readonly locator: Locator,
    readonly style: KeyStyle,
  ) {}

  private isUnresolved(value: unknown): boolean {
    if (value !== UNRESOLVED) return false;
    this.sawUnresolved = true;
    return true;
  }

  key(pascal: string): string {
    return this.style === 'pascal' ? pascal : pascal.charAt(0).toLowerCase() + pascal.slice(1);
  }

  at(path: Path): SourceLocation {
    return this.locator.at(path);
  }

  /** The location of a field when it is written, for traces. */
  fieldAt(path: Path): SourceLocation | undefined {
    return this.locator.has(path) ? this.locator.at(path) : undefined;
  }

  report(location: SourceLocation, message: string, hint?: string): undefined {
    this.problems.push(problem(location, message, hint));
    return undefined;
  }

  /** Reports keys that are not in `known` (PascalCase), suggesting the closest one. */
  checkKeys(object: Record<string, unknown>, path: Path, known: readonly string[], what: string): void {
    const allowed = known.map((k) => this.key(k));
    for (const key of Object.keys(object)) {
      if (allowed.includes(key)) continue;
      const hint = didYouMean(key, allowed) ?? `${what} may have ${listWords(allowed)}`;
      this.report(this.locator.keyAt([...path, key]), `unknown key \`${key}\` in ${what}`, hint);
    }
  }

  get(object: Record<string, unknown>, pascal: string): unknown {
    return object[this.key(pascal)];
  }

  map(value: unknown, path: Path, what: string): Record<string, unknown> | undefined {
    if (this.isUnresolved(value)) return undefined;
    if (isPlainObject(value)) return value;
    return this.report(this.at(path), `${what} must be a mapping`);
  }

  list(value: unknown, path: Path, what: string, hint?: string): unknown[] | undefined {
    if (this.isUnresolved(value)) return undefined;
    if (Array.isArray(value)) return value as unknown[];
    return this.report(this.at(path), `${what} must be a list`, hint);
  }

  /** A string; numbers are accepted and written as text (YAML reads `Version: 1` as a number). */
  string(value: unknown, path: Path, what: string): string | undefined {
    if (this.isUnresolved(value)) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    return this.report(this.at(path), `${what} must be a string`);
  }

  /** A region name: a string that is not empty (an empty one would name no region). */
  regionName(value: unknown, path: Path, what: string, at = this.at(path)): string | undefined {
    const text = this.string(value, path, what);
    if (text !== '') return text;
    return this.report(at, `${what} is empty`, 'write the name of an AWS region, e.g. eu-west-1');
  }

  required(object: Record<string, unknown>, pascal: string, path: Path, what: string): unknown {
    const value = this.get(object, pascal);
    if (value === undefined || value === null) {
      this.report(this.at(path), `${what} needs \`${this.key(pascal)}\``);
      return UNRESOLVED;
    }
    return value;
  }

  number(value: unknown, path: Path, what: string): number | undefined {
    if (this.isUnresolved(value)) return undefined;
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    return this.report(this.at(path), `${what} must be a number`);
  }

  stringList(value: unknown, path: Path, what: string): string[] | undefined {
    const items = this.list(value, path, what);
    if (!items) return undefined;
    const out: string[] = [];
    items.forEach((item, i) => {
      const text = this.string(item, [...path, i], `each item of ${what}`);
      if (text !== undefined) out.push(text);
    });
    return out;
  }

  oneOf<T extends string>(value: unknown, path: Path, what: string, allowed: readonly T[]): T | undefined {
    const text = this.string(value, path, what);
    if (text === undefined) return undefined;
    if ((allowed as readonly string[]).includes(text)) return text as T;
    return this.report(this.at(path), `${what} \`${text}\` is not one of ${listWords(allowed)}`, didYouMean(text, allowed));
  }
}
