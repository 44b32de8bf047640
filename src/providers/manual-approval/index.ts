/**
 * CodePipeline's manual approval (`Approval/AWS/Manual`). The action waits until someone
 * answers with `meridian approve|reject`; its timeout (timeoutInMinutes, 7 days by default)
 * is enforced by the agent through the signal, and a timed-out approval fails (CP-APPR).
 * NotificationArn has no local meaning: it is logged, nothing is published.
 */
import { MeridianError } from '../../domain/errors.js';
import type { Action } from '../../domain/pipeline.js';
import { raceAbort } from '../abort.js';
import { configString } from '../config.js';
import type { ActionContext, ActionResult, ConfigProblem, Provider } from '../provider.js';
import { APPROVAL_SCHEMA } from './schema.js';

/** PutApprovalResult's `summary` limit. */
const MAX_CUSTOM_DATA = 512;

export const manualApprovalProvider: Provider = {
  types: ['Approval/AWS/Manual'],
  configuration: { 'Approval/AWS/Manual': APPROVAL_SCHEMA },
  outputVariables: () => [],
  capabilities: { idempotent: true, cancellable: true },
  validate,
  run,
};

function validate(action: Action): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (action.inputArtifacts.length > 0 || action.outputArtifacts.length > 0) {
    problems.push({ field: '', message: `manual approval ${action.name} cannot have input or output artifacts` });
  }
  if ((configString(action, 'CustomData') ?? '').length > MAX_CUSTOM_DATA) {
    problems.push({ field: 'CustomData', message: `CustomData must be at most ${MAX_CUSTOM_DATA} characters` });
  }
  return problems;
}

async function run(ctx: ActionContext): Promise<ActionResult> {
  const { action } = ctx;
  const customData = configString(action, 'CustomData');
  const link = configString(action, 'ExternalEntityLink');
  const topic = configString(action, 'NotificationArn');
  if (customData) ctx.log.write(`${customData}\n`);
  if (link) ctx.log.write(`review: ${link}\n`);
  if (topic) ctx.log.write(`NotificationArn ${topic} is not notified when running locally\n`);

  const answer = `\`meridian approve ${ctx.executionId} ${action.name}\` or \`meridian reject ${ctx.executionId} ${action.name} --comment TEXT\``;
  await ctx.setWaiting(`approval: run ${answer}${customData ? ` (${customData})` : ''}`);
  ctx.log.write(`waiting for approval: run ${answer}\n`);

  const outcome = await raceAbort(ctx.awaitApproval(), ctx.signal);
  const by = outcome.by ? ` by ${outcome.by}` : '';
  const comment = outcome.comment ? `: ${outcome.comment}` : '';
  if (outcome.status === 'Rejected') {
    throw new MeridianError('REJECTED', `rejected${by}${comment}`, { details: { by: outcome.by, comment: outcome.comment } });
  }
  return { summary: `approved${by}${comment}` };
}
