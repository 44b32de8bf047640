/**
 * Collecting definition problems. Every stage of loading adds to a list instead of
 * throwing, so one `meridian validate` reports everything that is wrong at once.
 */
import { MeridianError, type Problem } from '../domain/errors.js';
import type { SourceLocation } from '../domain/pipeline.js';

export function problem(location: SourceLocation, message: string, hint?: string): Problem {
  return hint === undefined ? { location, message } : { location, message, hint };
}

/** Sorted by position, with exact repeats removed (an expanded action repeats its entry's problems). */
export function tidyProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const unique: Problem[] = [];
  for (const p of problems) {
    const key = `${p.location.file}:${p.location.line}:${p.location.col}:${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(p);
  }
  return unique
    .map((p, index) => ({ p, index }))
    .sort((a, b) => a.p.location.line - b.p.location.line || a.p.location.col - b.p.location.col || a.index - b.index)
    .map(({ p }) => p);
}

export function definitionError(file: string, problems: readonly Problem[]): MeridianError {
  const tidy = tidyProblems(problems);
  const count = `${tidy.length} problem${tidy.length === 1 ? '' : 's'}`;
  return new MeridianError('DEFINITION_INVALID', `${file}: the pipeline definition has ${count}`, { problems: tidy, details: { file } });
}
