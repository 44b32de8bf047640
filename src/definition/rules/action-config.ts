/**
 * Each action's configuration as its provider checks it (`Provider.validate`), at validation
 * time instead of when the action runs: a CloudFormation action without a stack name fails
 * `meridian validate` at its `with:` / `Configuration:` rather than an execution later. The
 * caller passes the check (the provider registry's), so the definition layer does not depend
 * on the providers.
 *
 * A value holding a reference resolved when the execution starts (`#{...}`, a template
 * parameter, `{{resolve:...}}`) is not judged: only its resolved value can be wrong. Only
 * that value waits — the key next to it, or inside the same map, is still checked — and an
 * unknown key is refused whatever its value. In the native format the CodePipeline key names
 * a provider speaks of are said as the `with:` keys the author writes; an action expanded
 * once per region is reported once.
 */
import type { Problem } from '../../domain/errors.js';
import { actionTypeKey, type Action, type ConfigValue, type Pipeline } from '../../domain/pipeline.js';
import { friendlyKey } from '../native/action-types.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import type { PipelineLocator } from '../trace.js';
import { byFormat, placedActions, type Rule } from './rule.js';

/** What a provider's check returns: the same shape as `ConfigProblem` of providers/provider.ts. */
export interface ConfigIssue {
  /** A configuration key (`StackName`, `healthCheck.url`), `commands[2]`, `environmentVariables.NAME`, or '' for the action. */
  field: string;
  message: string;
  hint?: string;
  /** For an unknown key: the key as written and the keys known at its level, to suggest in the format's own spelling. */
  unknownKey?: { written: string; known: readonly string[] };
}

export type ActionConfigCheck = (action: Action) => readonly ConfigIssue[];

/** Fields of the Action itself rather than of its configuration. */
const MODEL_FIELDS = ['commands', 'outputVariables', 'environmentVariables', 'inputArtifacts', 'outputArtifacts'];
const RUNTIME_REFERENCE = /#\{|\{\{resolve:/;

export function actionConfiguration(check: ActionConfigCheck): Rule {
  return (pipeline, locate) => {
    const grouped = new Map<string, { problem: Problem; names: string[] }>();
    for (const placed of placedActions(pipeline)) {
      const { action } = placed;
      for (const issue of check(action)) {
        if (issue.unknownKey === undefined && resolvedLater(action, issue.field)) continue;
        const found = issueProblem(pipeline, locate, placed.stage, placed.index, action, issue);
        const key = `${found.location.line}:${found.location.col}:${found.message.split(action.name).join('\0')}`;
        const group = grouped.get(key);
        if (group) group.names.push(action.name);
        else grouped.set(key, { problem: found, names: [action.name] });
      }
    }
    return [...grouped.values()].map(({ problem: found, names }) =>
      names.length === 1 ? found : { ...found, message: found.message.split(names[0]!).join(listWords(names, 'and')) },
    );
  };
}

function issueProblem(pipeline: Pipeline, locate: PipelineLocator, stage: number, index: number, action: Action, issue: ConfigIssue): Problem {
  const key = topKey(issue.field);
  const words = (text: string): string => (pipeline.format === 'native' ? withKeys(action, text).replace('in the configuration of ', 'in `with:` of ') : text);
  const missing = key !== '' && !MODEL_FIELDS.includes(key) && isEmpty(action.configuration[key]);
  const hint =
    issue.unknownKey !== undefined && pipeline.format === 'native' && !issue.field.includes('.')
      ? nativeKeyHint(action, issue.unknownKey)
      : issue.hint !== undefined
        ? words(issue.hint)
        : missing
          ? byFormat(pipeline, {
              native: `add \`${friendlyKey(action.type, key)}: …\` under \`with:\``,
              template: `add \`${key}: …\` under the action's \`Configuration:\``,
              json: `add "${key}" to the action's "configuration"`,
            })
          : undefined;
  return problem(locate.action(stage, index, traceField(action, issue.field)), words(issue.message), hint);
}

/** For an unknown `with:` key: the nearest key in the spelling `with:` takes (aliases first), or the list of them. */
function nativeKeyHint(action: Action, unknown: NonNullable<ConfigIssue['unknownKey']>): string {
  const keys = unknown.known.map((key) => friendlyKey(action.type, key));
  const all = [...new Set([...keys, ...unknown.known])];
  return didYouMean(unknown.written, all) ?? `\`with:\` of ${actionTypeKey(action.type)} takes ${listWords(keys)}`;
}

/** CodePipeline's key names said as the native `with:` keys (`StackName` -> `stack`). */
function withKeys(action: Action, text: string): string {
  return text.replace(/`?\b([A-Z][A-Za-z]+)\b`?/g, (whole, word: string) => {
    const friendly = friendlyKey(action.type, word);
    return friendly === word ? whole : `\`${friendly}\``;
  });
}

/** The trace's field key for a provider's field name (trace.ts lists them). */
function traceField(action: Action, field: string): string | undefined {
  if (field === '') return undefined;
  const indexed = /^(\w+)\[(\d+)\]$/.exec(field);
  if (indexed) return `${indexed[1]!}.${indexed[2]!}`;
  const key = topKey(field);
  if (key === 'environmentVariables') {
    const at = (action.environmentVariables ?? []).findIndex((v) => v.name === field.slice(key.length + 1));
    return at < 0 ? key : `${key}.${at}`;
  }
  return MODEL_FIELDS.includes(key) ? field : `configuration.${field}`;
}

function topKey(field: string): string {
  return field.split(/[.[]/)[0] ?? '';
}

/** Whether the value at `field` (`healthCheck.url`: inside a map, or its JSON text) holds a reference resolved later. */
function resolvedLater(action: Action, field: string): boolean {
  const key = topKey(field);
  if (key === '' || MODEL_FIELDS.includes(key)) return false;
  let value: ConfigValue | undefined = action.configuration[key];
  for (const part of field.split('.').slice(1)) {
    const map = structured(value);
    value = isMap(map) ? map[part] : undefined;
  }
  // A reference inside a map changes none of its keys: what is said of the map as a whole stands.
  if (value === undefined || isMap(structured(value))) return false;
  return RUNTIME_REFERENCE.test(JSON.stringify(value));
}

function isMap(value: ConfigValue | undefined): value is Record<string, ConfigValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A map or list given as JSON text (a CodePipeline configuration value) as the value itself. */
function structured(value: ConfigValue | undefined): ConfigValue | undefined {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as ConfigValue;
  } catch {
    return value;
  }
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}
