/**
 * Warnings about V2 triggers that `meridian validate` prints without failing: a trigger's push
 * filters are judged on the GitHub webhook deliveries `meridian serve` receives at
 * `POST /webhooks/github/{pipeline}`, and only for a webhook that targets the trigger's source
 * action. With no such webhook and no polling of that action, no push ever reaches Meridian:
 * the definition is valid, but the trigger never starts the pipeline (see docs/server.md).
 */
import type { Problem } from '../domain/errors.js';
import type { Pipeline, PipelineTrigger, SourceLocation } from '../domain/pipeline.js';
import { DEFAULT_POLL_SECONDS } from './codepipeline/triggers.js';
import { problem } from '../lib/problems.js';
import { byFormat } from './rules/rule.js';

export function triggerWarnings(pipeline: Pipeline): Problem[] {
  const fileStart: SourceLocation = { file: pipeline.file, line: 1, col: 1 };
  return pipeline.triggers
    .filter(
      (trigger) =>
        !pipeline.webhooks.some((w) => w.targetAction === trigger.sourceActionName) &&
        !pipeline.polls.some((p) => p.sourceActionName === trigger.sourceActionName),
    )
    .map((trigger) =>
      problem(
        trigger.location ?? fileStart,
        `the trigger on source action ${trigger.sourceActionName} never starts the pipeline: no webhook targets ${trigger.sourceActionName} and it is not polled, so no push reaches Meridian`,
        hint(pipeline, trigger),
      ),
    );
}

function hint(pipeline: Pipeline, trigger: PipelineTrigger): string {
  const action = trigger.sourceActionName;
  const route = `pushes reach \`meridian serve\` as GitHub webhook deliveries to POST /webhooks/github/${pipeline.name}, where the push filters are judged`;
  const poll = `\`git ls-remote\` every ${DEFAULT_POLL_SECONDS} s: each new commit on its branch starts an execution, push filters not judged`;
  return byFormat(pipeline, {
    native: `${route}: add \`webhook: { secret: { parameter: /path } }\` to ${action}; or poll it with \`poll: ${DEFAULT_POLL_SECONDS}s\` (${poll})`,
    template: `${route}: add an AWS::CodePipeline::Webhook resource with \`TargetAction: ${action}\` (and \`TargetPipeline\` this pipeline); or poll ${action} with \`PollForSourceChanges: true\` in its Configuration (${poll})`,
    json: `${route}, and only a template declares webhooks (AWS::CodePipeline::Webhook with \`TargetAction: ${action}\`); here, poll ${action} with "PollForSourceChanges": "true" in its configuration (${poll})`,
  });
}
