/**
 * "The same model": two compiled pipelines are equal when everything but where they were
 * written (`file`, `format`, every `location`) is equal. Object keys are compared without
 * their order (a configuration is a map); list order matters. Every other field counts,
 * including the ones that only change how the engine orders a stage: a stage's `lanes` and
 * `onLaneFailure`, and an action's `homeByDefault` (an action that names no region is
 * stage-wide in region lanes; one that names the home region is in its lane).
 */
import type { Pipeline } from '../../domain/pipeline.js';

/** The pipeline as canonical JSON, without positions, for comparing and for diffs. */
export function comparable(pipeline: Pipeline): unknown {
  const { file: _file, format: _format, ...rest } = pipeline;
  return canonical(rest);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (key === 'location') continue;
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = canonical(item);
    }
    return out;
  }
  return value;
}

/** The first difference between two pipelines as `path: a != b`, or undefined when they are equal. */
export function firstDifference(a: Pipeline, b: Pipeline): string | undefined {
  return difference(comparable(a), comparable(b), 'pipeline');
}

function difference(a: unknown, b: unknown, path: string): string | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const found = difference(a[i], b[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const found = difference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return a === b ? undefined : `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
}
