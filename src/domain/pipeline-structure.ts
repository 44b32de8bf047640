/**
 * The pipeline's structure, for RetryStageExecution's rule that a stage cannot be retried once
 * the pipeline's structure changed since the execution (docs/aws-behaviour.md §1.7): the stages
 * and their actions, as canonical JSON without where they were written (`location`).
 */
import type { Pipeline } from './pipeline.js';

export function structureOf(pipeline: Pipeline): string {
  return JSON.stringify(canonical(pipeline.stages));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (key !== 'location' && item !== undefined) out[key] = canonical(item);
  }
  return out;
}
