/**
 * Region lanes and the rollout (domain/region-lanes.ts): a rollout stage is ordered by its
 * waves, each region through its own runOrders inside its wave, and a rollout stops at the
 * first failure and rolls back what its `rollback:` says. So such a stage may not ask for
 * stage-wide runOrder (`lanes: stage`) nor for lanes that go on after a failure
 * (`onLaneFailure: continue`): the rollout would silently overrule either.
 */
import type { Problem } from '../../domain/errors.js';
import { isRolloutStage } from '../../domain/rollout-step.js';
import { laneSetting, removeLaneSetting, writeLaneSetting } from '../lanes/lane-words.js';
import { problem } from '../../lib/problems.js';
import { byFormat, type Rule } from './rule.js';

export const lanes: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  const rollout = byFormat(pipeline, { native: '`rollout:`', template: 'Metadata.Meridian.Rollout', json: 'a rollout' });
  pipeline.stages.forEach((stage, s) => {
    if (!isRolloutStage(pipeline.rollout, stage)) return;
    const name = stage.name;
    if (stage.lanes === 'stage') {
      problems.push(
        problem(
          locate.stage(s, 'lanes'),
          `${laneSetting(pipeline, name, 'lanes', 'stage')} cannot apply: stage ${name} deploys to several regions in the rollout's waves, which always run each region through its own runOrders`,
          `${removeLaneSetting(pipeline, name, 'lanes')} (or write ${writeLaneSetting(pipeline, name, 'lanes', 'region')}); runOrder is stage-wide, as CodePipeline runs it, only in a pipeline without ${rollout}`,
        ),
      );
    }
    if (stage.onLaneFailure === 'continue') {
      problems.push(
        problem(
          locate.stage(s, 'onLaneFailure'),
          `${laneSetting(pipeline, name, 'onLaneFailure', 'continue')} cannot apply: stage ${name} deploys in the rollout's waves, and a rollout stops at the first failure and undoes what its \`rollback:\` says`,
          `${removeLaneSetting(pipeline, name, 'onLaneFailure')} (or write ${writeLaneSetting(pipeline, name, 'onLaneFailure', 'stop')}); \`rollback: region | wave | all-previous\` in ${rollout} decides what a failure undoes`,
        ),
      );
    }
  });
  return problems;
};
