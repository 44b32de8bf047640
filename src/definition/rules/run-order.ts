/**
 * `runOrder` is a whole number from 1 to 999; a native `timeout:` is from 1 second to 60 days.
 * CodePipeline's own `TimeoutInMinutes` (Manual approval only, 5–86400) is codepipeline-quotas.ts's.
 */
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
    if (pipeline.format === 'native' && timeout !== undefined && (timeout < 1 / 60 || timeout > MAX_TIMEOUT_MINUTES)) {
      problems.push(
        problem(
          locate.action(stage, index, 'timeoutInMinutes'),
          `timeout ${timeout} minutes is not valid: it must be from 1 second to ${MAX_TIMEOUT_MINUTES} minutes (60 days)`,
          'e.g. `timeout: 30m`',
        ),
      );
    }
  }
  return problems;
};
