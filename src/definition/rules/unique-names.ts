/** Stage names are unique in the pipeline; action names are unique within their stage. */
import type { Problem } from '../../domain/errors.js';
import { problem } from '../../lib/problems.js';
import type { Rule } from './rule.js';

export const uniqueNames: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  const stageLines = new Map<string, number>();
  pipeline.stages.forEach((stage, s) => {
    const earlier = stageLines.get(stage.name);
    if (earlier === undefined) stageLines.set(stage.name, locate.stage(s, 'name').line);
    else
      problems.push(
        problem(
          locate.stage(s, 'name'),
          `stage name ${stage.name} is already used by the stage at line ${earlier}`,
          'stage names must be unique: rename one of them',
        ),
      );

    const actionLines = new Map<string, number>();
    stage.actions.forEach((action, a) => {
      const line = actionLines.get(action.name);
      if (line === undefined) {
        actionLines.set(action.name, locate.action(s, a, 'name').line);
        return;
      }
      const hint = locate.isExpanded(s, a)
        ? 'this action runs once per region: put `${region}` in its name'
        : 'action names must be unique within a stage: rename one of them';
      problems.push(problem(locate.action(s, a, 'name'), `action name ${action.name} is already used in stage ${stage.name} (line ${line})`, hint));
    });
  });
  return problems;
};
