/**
 * Markers inside resolved template values. A value that could not be resolved has already
 * been reported where it was written; compilers skip it silently instead of reporting a
 * second, misleading "missing value" problem.
 */
export const UNRESOLVED: unique symbol = Symbol('unresolved');
/** `!Ref AWS::NoValue`: the enclosing key or list item disappears. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export type Value = string | number | boolean | null | typeof UNRESOLVED | Value[] | { [key: string]: Value };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the value or anything inside it could not be resolved. */
export function containsUnresolved(value: unknown): boolean {
  if (value === UNRESOLVED) return true;
  if (Array.isArray(value)) return value.some(containsUnresolved);
  if (isPlainObject(value)) return Object.values(value).some(containsUnresolved);
  return false;
}
