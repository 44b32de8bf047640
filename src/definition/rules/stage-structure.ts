/** CodePipeline's stage rules: 2–50 stages, no empty stage, sources in the first stage and only there. */
import type { Problem } from '../../domain/errors.js';
import { problem } from '../../lib/problems.js';
import { byFormat, type Rule } from './rule.js';

const MIN_STAGES = 2;
const MAX_STAGES = 50;

export const stageStructure: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  const { stages } = pipeline;
  if (stages.length < MIN_STAGES) {
    problems.push(
      problem(
        locate.pipeline('stages'),
        `a pipeline needs at least ${MIN_STAGES} stages (a source stage and one more); this one has ${stages.length}`,
        byFormat(pipeline, {
          native: 'declare `sources:` and at least one stage under `stages:`',
          template: 'add a stage after the source stage',
          json: 'add a stage after the source stage',
        }),
      ),
    );
  }
  if (stages.length > MAX_STAGES) {
    problems.push(
      problem(
        locate.stage(MAX_STAGES),
        `a pipeline has at most ${MAX_STAGES} stages; this one has ${stages.length}`,
        'merge stages, or split the pipeline in two',
      ),
    );
  }
  stages.forEach((stage, s) => {
    if (stage.actions.length === 0) problems.push(problem(locate.stage(s), `stage ${stage.name} has no actions`, 'add an action or remove the stage'));
  });

  const first = stages[0];
  if (first && first.actions.length > 0) {
    if (!first.actions.some((action) => action.type.category === 'Source')) {
      problems.push(
        problem(
          locate.stage(0, 'name'),
          `the first stage (${first.name}) must contain a source action`,
          byFormat(pipeline, {
            native: 'add `sources:` with a git repository; it becomes the first stage',
            template: 'put a stage with a Category: Source action first',
            json: 'put a stage with a category: Source action first',
          }),
        ),
      );
    } else {
      first.actions.forEach((action, a) => {
        if (action.type.category === 'Source') return;
        problems.push(
          problem(
            locate.action(0, a, 'type'),
            `the first stage (${first.name}) may only contain source actions; ${action.name} is a ${action.type.category} action`,
            `move ${action.name} to a later stage`,
          ),
        );
      });
    }
  }
  stages.forEach((stage, s) => {
    if (s === 0) return;
    stage.actions.forEach((action, a) => {
      if (action.type.category !== 'Source') return;
      problems.push(
        problem(
          locate.action(s, a, 'type'),
          `only the first stage may contain source actions; ${action.name} in stage ${stage.name} is a Source action`,
          `move ${action.name} into the first stage${first ? ` (${first.name})` : ''}`,
        ),
      );
    });
  });
  return problems;
};
