/** The validation rules, run in this order after either format has compiled. */
import type { Problem } from '../../domain/errors.js';
import type { Pipeline } from '../../domain/pipeline.js';
import type { PipelineLocator } from '../trace.js';
import { actionConfiguration, type ActionConfigCheck } from './action-config.js';
import { knownActionTypes } from './action-types.js';
import { artifacts } from './artifacts.js';
import { codePipelineQuotas } from './codepipeline-quotas.js';
import { commandsAction } from './commands-action.js';
import { crossRegion } from './cross-region.js';
import { lanes } from './lanes.js';
import { nameFormat } from './name-format.js';
import { namespaces } from './namespaces.js';
import type { Rule } from './rule.js';
import { runOrder } from './run-order.js';
import { stageStructure } from './stage-structure.js';
import { triggers } from './triggers.js';
import { uniqueNames } from './unique-names.js';
import { variableReferences, type OutputVariablesOf } from './variable-references.js';
import { webhooks } from './webhooks.js';

export const RULES: readonly Rule[] = [
  stageStructure,
  uniqueNames,
  nameFormat,
  runOrder,
  artifacts,
  namespaces,
  crossRegion,
  commandsAction,
  codePipelineQuotas,
  triggers,
  webhooks,
  lanes,
];

export interface RuleOptions {
  /** `Category/Owner/Provider` keys of the registered providers. */
  knownActionTypes?: readonly string[];
  /** The providers' own configuration checks. */
  checkAction?: ActionConfigCheck;
  /** The output variables each action sets, where its provider knows them before it runs. */
  outputVariablesOf?: OutputVariablesOf;
}

export function runRules(pipeline: Pipeline, locate: PipelineLocator, options: RuleOptions = {}): Problem[] {
  const rules = [...RULES, variableReferences(options.outputVariablesOf)];
  if (options.knownActionTypes) rules.push(knownActionTypes(options.knownActionTypes));
  const problems = rules.flatMap((rule) => rule(pipeline, locate));
  if (!options.checkAction) return problems;
  // A provider often checks what a rule already did (a Commands action's commands): one problem per place.
  const placed = new Set(problems.map((p) => `${p.location.line}:${p.location.col}`));
  const provided = actionConfiguration(options.checkAction)(pipeline, locate).filter((p) => !placed.has(`${p.location.line}:${p.location.col}`));
  return [...problems, ...provided];
}
