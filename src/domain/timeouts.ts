import type { Action } from './pipeline.js';

/**
 * How long an action may run when its definition says nothing: CodePipeline's per-provider
 * action timeouts (docs/aws-behaviour.md §1.14): manual approval 7 days, CodeBuild 8 hours,
 * CloudFormation 3 days, everything else 1 hour.
 */
export function timeoutMinutes(action: Action): number {
  if (action.timeoutInMinutes !== undefined) return action.timeoutInMinutes;
  if (action.type.category === 'Approval') return 7 * 24 * 60;
  if (action.type.provider === 'CodeBuild') return 8 * 60;
  if (action.type.provider === 'CloudFormation') return 3 * 24 * 60;
  return 60;
}
