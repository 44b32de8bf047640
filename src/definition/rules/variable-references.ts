/**
 * `#{NAMESPACE.VARIABLE}` references in configuration, commands and environment values:
 * the namespace must be declared by an action that runs before (variables exist only
 * once their action succeeded); `#{variables.X}` and `#{parameters.X}` must be declared.
 * Where the producing action's variables are known before it runs (`OutputVariablesOf`,
 * from its provider: a source's CommitId, a Commands action's `outputVariables`), the name
 * must be one of them, spelt as it is (`CommitID` is refused with "did you mean CommitId").
 */
import type { Problem } from '../../domain/errors.js';
import type { Action, ConfigValue, Pipeline } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { didYouMean } from '../../lib/suggest.js';
import { byFormat, describeAction, placedActions, runsBefore, type PlacedAction, type Rule } from './rule.js';

const REFERENCE = /#\{([^}.\s]+)\.([^}\s]+)\}/g;

/** The output variables an action sets, when known before it runs; undefined when only the run can tell. */
export type OutputVariablesOf = (action: Action) => readonly string[] | undefined;

export function variableReferences(outputVariablesOf: OutputVariablesOf = () => undefined): Rule {
  return (pipeline, locate) => {
    const problems: Problem[] = [];
    const placed = placedActions(pipeline);
    for (const entry of placed) {
      for (const { field, text } of referenceFields(entry.action)) {
        for (const match of text.matchAll(REFERENCE)) {
          const found = check(pipeline, placed, entry, match[1]!, match[2]!) ?? checkName(placed, match[1]!, match[2]!, outputVariablesOf);
          if (found) problems.push(problem(locate.action(entry.stage, entry.index, field), found.message, found.hint));
        }
      }
    }
    return problems;
  };
}

/** A variable of a namespace whose producer's variables are known: one of them, spelt as it is. */
function checkName(
  placed: PlacedAction[],
  namespace: string,
  variable: string,
  outputVariablesOf: OutputVariablesOf,
): { message: string; hint?: string } | undefined {
  if (namespace === 'codepipeline' || namespace === 'variables' || namespace === 'parameters') return undefined;
  const producer = placed.find((other) => other.action.namespace === namespace);
  const names = producer === undefined ? undefined : outputVariablesOf(producer.action);
  if (producer === undefined || names === undefined || names.includes(variable)) return undefined;
  return {
    message: `#{${namespace}.${variable}}: action ${describeAction(producer)} sets no variable ${variable}`,
    hint:
      didYouMean(variable, names) ??
      (names.length === 0 ? 'it sets no output variables' : `its variables are ${names.map((name) => `\`${name}\``).join(', ')}`),
  };
}

function check(
  pipeline: Pipeline,
  placed: PlacedAction[],
  user: PlacedAction,
  namespace: string,
  variable: string,
): { message: string; hint?: string } | undefined {
  const reference = `#{${namespace}.${variable}}`;
  if (namespace === 'codepipeline') return undefined;
  if (namespace === 'variables') {
    const names = pipeline.variables.map((v) => v.name);
    if (names.includes(variable)) return undefined;
    return {
      message: `${reference} refers to pipeline variable ${variable}, which is not declared`,
      hint:
        didYouMean(variable, names) ??
        byFormat(pipeline, { native: 'declare it under `variables:`', template: 'add it to `Variables`', json: 'add it to `variables`' }),
    };
  }
  if (namespace === 'parameters') {
    const names = pipeline.parameters.map((p) => p.name);
    if (names.includes(variable)) return undefined;
    return {
      message: `${reference} refers to parameter ${variable}, which is not declared`,
      hint:
        didYouMean(variable, names) ??
        byFormat(pipeline, {
          native: 'declare it under `parameters:`',
          template: 'declare it under `Parameters` and use `!Ref`',
          json: 'write the value directly',
        }),
    };
  }
  const producers = placed.filter((other) => other.action.namespace === namespace);
  if (producers.length === 0) {
    const known = placed.flatMap((other) => (other.action.namespace === undefined ? [] : [other.action.namespace]));
    return {
      message: `${reference} refers to namespace ${namespace}, which no action declares`,
      hint: didYouMean(namespace, known) ?? `give the action that produces ${variable} the namespace ${namespace}`,
    };
  }
  if (producers.some((producer) => runsBefore(producer, user))) return undefined;
  const producer = producers[0]!;
  return {
    message: `${reference} comes from action ${describeAction(producer)}, which does not run before ${user.action.name}`,
    hint: 'variables can be used by actions in later stages, or in the same stage with a higher runOrder',
  };
}

/** Every string that may hold references, with the trace field it was written in. */
function referenceFields(action: Action): Array<{ field: string; text: string }> {
  const out: Array<{ field: string; text: string }> = [];
  const collect = (field: string, value: ConfigValue): void => {
    if (typeof value === 'string') out.push({ field, text: value });
    else if (Array.isArray(value)) value.forEach((item) => collect(field, item));
    else if (value !== null && typeof value === 'object') Object.values(value).forEach((item) => collect(field, item));
  };
  for (const [key, value] of Object.entries(action.configuration)) collect(`configuration.${key}`, value);
  action.commands?.forEach((command, k) => out.push({ field: `commands.${k}`, text: command }));
  action.environmentVariables?.forEach((variable, k) => out.push({ field: `environmentVariables.${k}`, text: variable.value }));
  return out;
}
