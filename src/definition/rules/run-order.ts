/** `runOrder` is a whole number from 1 to 999; a timeout is a whole number of minutes up to 60 days. */
import type { Problem } from '../../domain/errors.js';
import { problem } from '../../lib/problems.js';
import { placedActions, type Rule } from './rule.js';

const MAX_RUN_ORDER = 999;
const MAX_TIMEOUT_MINUTES = 86_400;

export const runOrder: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  for (const { stage, index, action } of placedActions(pipeline)) {
    const value = action.runOrder;
    if (!Number.isInteger(value) || value < 1 || value > MAX_RUN_ORDER) {
      problems.push(
        problem(
          locate.action(stage, index, 'runOrder'),
          `runOrder ${value} is not valid: it must be a whole number from 1 to ${MAX_RUN_ORDER} ("You cannot use fractions, decimals, negative numbers, or zero")`,
          'use 1 for the first actions of the stage, 2 for the ones after them, and so on',
        ),
      );
    }
    const timeout = action.timeoutInMinutes;
    // CodePipeline takes whole minutes; the native format also takes seconds (`timeout: 30s`).
    const whole = pipeline.format !== 'native';
    if (timeout !== undefined && ((whole && !Number.isInteger(timeout)) || timeout < (whole ? 1 : 1 / 60) || timeout > MAX_TIMEOUT_MINUTES)) {
      problems.push(
        problem(
          locate.action(stage, index, 'timeoutInMinutes'),
          `timeout ${timeout} is not valid: it must be a whole number of minutes from 1 to ${MAX_TIMEOUT_MINUTES} (60 days)`,
          'e.g. 60 for one hour',
        ),
      );
    }
  }
  return problems;
};
