/**
 * CodePipeline's CloudFormation deploy action (`Deploy/AWS/CloudFormation`): every
 * ActionMode with the behaviour docs/aws-behaviour.md §2 documents, against the action's region with
 * the AWS SDK's standard credential chain. The template is checked locally before any API
 * call, so a template CloudFormation would reject fails with its line.
 */
import type { Stack } from '@aws-sdk/client-cloudformation';
import { MeridianError } from '../../domain/errors.js';
import type { ActionContext, ActionResult, Provider } from '../provider.js';
import { readArtifactFile } from './artifact-files.js';
import { readConfig, usesTemplate, validateConfig, type StackActionConfig } from './configuration.js';
import { executeChangeSet, replaceChangeSet } from './change-set-modes.js';
import { stackOutputs, writeOutputFile } from './outputs.js';
import { readStackInputs } from './parameters.js';
import { makeClient, type StackSession } from './session.js';
import { createOrUpdate, deleteStack } from './stack-modes.js';
import type { StackDeployment } from './stack-request.js';
import { checkTemplate } from './template.js';
import { CLOUDFORMATION_SCHEMA } from './schema.js';

export const cloudFormationProvider: Provider = {
  types: ['Deploy/AWS/CloudFormation'],
  configuration: { 'Deploy/AWS/CloudFormation': CLOUDFORMATION_SCHEMA },
  // Every mode converges on the same stack when run again, and polling stops on abort.
  capabilities: { idempotent: true, cancellable: true },
  validate: validateConfig,
  run,
};

async function run(ctx: ActionContext): Promise<ActionResult> {
  const config = readConfig(ctx.action);
  const region = ctx.action.region;
  // Everything local (template, parameters) is read and checked before the first API call.
  const deployment = usesTemplate(config.mode) ? await prepareDeployment(ctx, config) : undefined;
  const { client, sdk } = await makeClient(region);
  const session: StackSession = { client, sdk, signal: ctx.signal, log: ctx.log, region, stackName: config.stackName };
  try {
    const stack = await runMode(session, config, deployment);
    if (config.mode === 'DELETE_ONLY') return { summary: `deleted stack ${config.stackName} in ${region}` };
    const outputs = stackOutputs(stack);
    if (config.outputFileName) await writeOutputFile(ctx, config.outputFileName, outputs);
    return { outputVariables: outputs, summary: `${config.mode} of stack ${config.stackName} in ${region} succeeded` };
  } catch (error) {
    if (error instanceof MeridianError) throw error;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new MeridianError('ACTION_FAILED', `CloudFormation in ${region} failed ${config.mode} of stack ${config.stackName}: ${message}`, {
      cause: error,
      retryable: !(error instanceof Error && error.name === 'ValidationError'),
    });
  } finally {
    client.destroy();
  }
}

async function runMode(session: StackSession, config: StackActionConfig, deployment: StackDeployment | undefined): Promise<Stack | undefined> {
  switch (config.mode) {
    case 'CREATE_UPDATE':
      return createOrUpdate(session, need(deployment), false);
    case 'REPLACE_ON_FAILURE':
      return createOrUpdate(session, need(deployment), true);
    case 'DELETE_ONLY':
      await deleteStack(session, config.roleArn);
      return undefined;
    case 'CHANGE_SET_REPLACE':
      return replaceChangeSet(session, need(deployment), config.changeSetName ?? '');
    case 'CHANGE_SET_EXECUTE':
      return executeChangeSet(session, config.changeSetName ?? '');
    default: {
      const unknown: never = config.mode;
      throw new MeridianError('INTERNAL', `unhandled ActionMode ${String(unknown)}`);
    }
  }
}

async function prepareDeployment(ctx: ActionContext, config: StackActionConfig): Promise<StackDeployment> {
  const ref = config.templatePath;
  if (!ref) throw new MeridianError('ACTION_FAILED', `TemplatePath is required for ${config.mode}`, { fault: 'user' });
  const where = `${ref.artifact}::${ref.path}`;
  const body = await readArtifactFile(ctx, ref, 'TemplatePath');
  const template = checkTemplate(body, where, `stack ${config.stackName} in ${ctx.action.region}`);
  return { config, template, inputs: await readStackInputs(ctx, config, template) };
}

function need(deployment: StackDeployment | undefined): StackDeployment {
  if (!deployment) throw new MeridianError('INTERNAL', 'a template mode ran without its template');
  return deployment;
}
