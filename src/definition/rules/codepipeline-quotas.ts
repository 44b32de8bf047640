/**
 * CodePipeline's quotas (docs/aws-behaviour.md §1.12, §1.14), so that what validates
 * here deploys there: at most 50 actions per stage and 500 per pipeline (every format), and
 * for the CodePipeline formats a configuration key of 1–50 characters and a value of 1–1000,
 * a CloudFormation `ParameterOverrides` of at most 1 KB, `TimeoutInMinutes` only on the Manual
 * approval and from 5 to 86400, and one condition under `OnFailure`. A native `with:` is
 * Meridian's own (lists, long scripts) and is not held to CodePipeline's configuration
 * lengths; `meridian export --format codepipeline` warns where they would be exceeded.
 */
import type { Problem } from '../../domain/errors.js';
import { actionTypeKey, type Action } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { placedActions, type Rule } from './rule.js';

const MAX_ACTIONS_PER_STAGE = 50;
const MAX_ACTIONS_PER_PIPELINE = 500;
export const MAX_CONFIG_KEY = 50;
export const MAX_CONFIG_VALUE = 1000;
export const MAX_PARAMETER_OVERRIDES_BYTES = 1024;
const MIN_APPROVAL_TIMEOUT = 5;
const MAX_APPROVAL_TIMEOUT = 86_400;
const MANUAL_APPROVAL = 'Approval/AWS/Manual';

export const codePipelineQuotas: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  pipeline.stages.forEach((stage, s) => {
    if (stage.actions.length > MAX_ACTIONS_PER_STAGE)
      problems.push(
        problem(
          locate.action(s, MAX_ACTIONS_PER_STAGE),
          `a stage has at most ${MAX_ACTIONS_PER_STAGE} actions; stage ${stage.name} has ${stage.actions.length}`,
          'move actions into another stage',
        ),
      );
  });
  const placed = placedActions(pipeline);
  const over = placed[MAX_ACTIONS_PER_PIPELINE];
  if (over)
    problems.push(
      problem(
        locate.action(over.stage, over.index),
        `a pipeline has at most ${MAX_ACTIONS_PER_PIPELINE} actions; this one has ${placed.length}`,
        'split the pipeline in two',
      ),
    );
  if (pipeline.format === 'native') return problems;

  for (const { stage, index, action } of placed) {
    problems.push(...configurationLengths(action).map(({ key, message, hint }) => problem(locate.action(stage, index, `configuration.${key}`), message, hint)));
    const timeout = action.timeoutInMinutes;
    if (timeout === undefined) continue;
    const at = locate.action(stage, index, 'timeoutInMinutes');
    if (actionTypeKey(action.type) !== MANUAL_APPROVAL)
      problems.push(
        problem(
          at,
          `TimeoutInMinutes only applies to the Manual approval action (${MANUAL_APPROVAL}); ${action.name} is ${actionTypeKey(action.type)}`,
          'remove it: CodePipeline gives every other action type its fixed timeout (a CodeBuild project has its own TimeoutInMinutes)',
        ),
      );
    else if (!Number.isInteger(timeout) || timeout < MIN_APPROVAL_TIMEOUT || timeout > MAX_APPROVAL_TIMEOUT)
      problems.push(
        problem(
          at,
          `timeout ${timeout} is not valid: a Manual approval's TimeoutInMinutes is a whole number from ${MIN_APPROVAL_TIMEOUT} to ${MAX_APPROVAL_TIMEOUT} (60 days)`,
          'e.g. 1440 for one day; without it the approval waits 7 days',
        ),
      );
  }
  pipeline.stages.forEach((stage) => {
    const extra = stage.conditions?.onFailure[1];
    if (extra?.location)
      problems.push(
        problem(
          extra.location,
          `\`OnFailure\` holds one condition; stage ${stage.name} has ${stage.conditions!.onFailure.length}`,
          'put all the rules in one condition (up to 5)',
        ),
      );
  });
  return problems;
};

export interface ConfigurationLengthProblem {
  key: string;
  message: string;
  hint: string;
}

/** The configuration keys and text values of `action` CodePipeline refuses for their length. */
export function configurationLengths(action: Action): ConfigurationLengthProblem[] {
  const out: ConfigurationLengthProblem[] = [];
  for (const [key, value] of Object.entries(action.configuration)) {
    if (key.length > MAX_CONFIG_KEY)
      out.push({
        key,
        message: `configuration key \`${key}\` has ${key.length} characters; CodePipeline takes 1 to ${MAX_CONFIG_KEY}`,
        hint: 'use the key the action type documents',
      });
    if (typeof value !== 'string') continue;
    const bytes = Buffer.byteLength(value, 'utf8');
    if (key === 'ParameterOverrides' && bytes > MAX_PARAMETER_OVERRIDES_BYTES)
      out.push({
        key,
        message: `ParameterOverrides is ${bytes} bytes; CodePipeline takes at most 1 KB (${MAX_PARAMETER_OVERRIDES_BYTES} bytes) of JSON`,
        hint: 'move the values into a TemplateConfiguration file (`Artifact::params.json` with {"Parameters": {...}}) and keep only the overrides here',
      });
    else if (value.length === 0 || value.length > MAX_CONFIG_VALUE)
      out.push({
        key,
        message: `configuration \`${key}\` has ${value.length} characters; CodePipeline takes a value of 1 to ${MAX_CONFIG_VALUE}`,
        hint: value.length === 0 ? 'give it a value or remove the key' : 'move long text into a file of an input artifact and name the file here',
      });
  }
  return out;
}
