/**
 * `webhook:`, `on:` and `poll:` written on a source action of the first stage (a stage of
 * `stages:`, when there are no `sources:`), for sources of other types than Meridian's git
 * source: a GitHub (v1) action with a webhook, a CodeStarSourceConnection with push filters.
 * A first-stage source action with `PollForSourceChanges: true` is polled, as in a template.
 */
import { actionTypeKey, type Action, type Stage } from '../../domain/pipeline.js';
import { readPolls } from '../codepipeline/triggers.js';
import { problem } from '../../lib/problems.js';
import type { Path } from '../../lib/yaml/locator.js';
import type { NativeDefinition } from './schema.js';
import { compileSourceStarts, NATIVE_TRIGGER_PROVIDER, type SourceStarts, type StartsContext, type StartSubject } from './source-triggers.js';

const START_KEYS = ['webhook', 'on', 'poll'] as const;
const GIT_SOURCE = 'Source/Meridian/Git';
const CONNECTION = 'Source/AWS/CodeStarSourceConnection';

export function compileActionStarts(
  definition: NativeDefinition,
  stages: readonly Stage[],
  ctx: StartsContext,
  starts: SourceStarts,
  hasSources: boolean,
): void {
  const { locator, problems } = ctx;
  definition.stages.forEach((stage, i) => {
    stage.actions.forEach((entry, j) => {
      const path: Path = ['stages', i, 'actions', j];
      const written = START_KEYS.filter((key) => entry[key] !== undefined);
      if (written.length === 0) return;
      const at = locator.keyAt([...path, written[0]!]);
      if (hasSources || i !== 0) {
        problems.push(
          problem(
            at,
            `\`${written[0]!}\` only applies to a source action of the first stage`,
            hasSources ? 'write it on the source under `sources:`' : 'move it to a source action of the first stage',
          ),
        );
        return;
      }
      if (stage.forEach !== undefined) {
        problems.push(problem(at, 'a source action runs in the home region: it cannot be in a forEach stage', 'remove `forEach` from the first stage'));
        return;
      }
      const action = stages[0]?.actions[j];
      if (!action) return;
      if (action.type.category !== 'Source') {
        problems.push(
          problem(
            at,
            `\`${written[0]!}\` starts a source action; ${action.name} is a ${action.type.category} action`,
            `remove \`${written[0]!}\`, or write it on a source action`,
          ),
        );
        return;
      }
      compileSourceStarts(subjectFor(action, entry.with, path), entry, path, starts, ctx);
    });
  });
  const first = definition.stages[0];
  for (const poll of readPolls(stages)) {
    const index = stages[0]!.actions.findIndex((action) => action.name === poll.sourceActionName);
    const at: Path = ['stages', 0, 'actions', index, 'with', 'PollForSourceChanges'];
    if (hasSources || !first) continue;
    if (starts.polls.some((other) => other.sourceActionName === poll.sourceActionName)) {
      problems.push(
        problem(locator.keyAt(at), `${poll.sourceActionName} is polled twice: by \`poll:\` and by \`PollForSourceChanges: true\``, 'keep one of them'),
      );
      continue;
    }
    ctx.trace.fields[`polls.${starts.polls.length}`] = locator.at(at);
    starts.polls.push(poll);
  }
}

function subjectFor(action: Action, written: Record<string, unknown> | undefined, path: Path): StartSubject {
  const type = actionTypeKey(action.type);
  const subject: StartSubject = {
    name: action.name,
    providerType: type === CONNECTION ? 'CodeStarSourceConnection' : NATIVE_TRIGGER_PROVIDER,
    onNeedsWebhook: type === GIT_SOURCE,
  };
  const branchKey = ['Branch', 'BranchName'].find((key) => typeof action.configuration[key] === 'string');
  if (branchKey !== undefined) {
    subject.branchKey = branchKey;
    const writtenKey = Object.keys(written ?? {}).find((key) => key === branchKey || key === 'branch');
    if (writtenKey !== undefined) subject.branchPath = [...path, 'with', writtenKey];
  }
  return subject;
}
