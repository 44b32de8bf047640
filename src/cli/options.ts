import { MeridianError } from '../domain/errors.js';

/** Commander helper: a repeatable option collects its values in order. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `NAME=VALUE` pairs (e.g. `--variable`) into a record. */
export function parsePairs(values: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new MeridianError('BAD_INPUT', `${flag} ${value}: write ${flag} NAME=VALUE`);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}
