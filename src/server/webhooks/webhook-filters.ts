/**
 * `AWS::CodePipeline::Webhook` filters (docs/aws-behaviour.md §5.2): every `JsonPath` must select a value
 * equal to its `MatchEquals`, where `{Key}` is the target action's configuration value `Key`
 * (e.g. `refs/heads/{Branch}`). A filter without MatchEquals needs the path to exist.
 */
import { JSONPath } from 'jsonpath-plus';
import type { Action, WebhookFilter } from '../../domain/pipeline.js';

export type FilterVerdict = { ok: true } | { ok: false; reason: string };

export function matchWebhookFilters(filters: readonly WebhookFilter[], target: Action, payload: unknown): FilterVerdict {
  for (const filter of filters) {
    const found: unknown[] = JSONPath<unknown[]>({ path: filter.jsonPath, json: payload as object, wrap: true, eval: false });
    if (found.length === 0) return { ok: false, reason: `${filter.jsonPath} is not in the payload` };
    if (filter.matchEquals === undefined) continue;
    const expected = substitute(filter.matchEquals, target);
    const actual = found[0];
    if (String(actual) !== expected) return { ok: false, reason: `${filter.jsonPath} is ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}` };
  }
  return { ok: true };
}

/** `{Key}` -> the action's configuration value (left as written when the action has no such key). */
export function substitute(text: string, target: Action): string {
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => {
    const value = target.configuration[key];
    return value === undefined || value === null || typeof value === 'object' ? whole : String(value);
  });
}
