/**
 * Every action's type must be one a registered provider runs (when the caller says which
 * ones exist). A CodePipeline type Meridian knows and refuses says why and what to use instead.
 */
import type { Problem } from '../../domain/errors.js';
import { actionTypeKey } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { closest, listWords } from '../../lib/suggest.js';
import { supportOf } from '../support.js';
import { placedActions, type Rule } from './rule.js';

export function knownActionTypes(known: readonly string[]): Rule {
  return (pipeline, locate) => {
    const problems: Problem[] = [];
    for (const { stage, index, action } of placedActions(pipeline)) {
      const key = actionTypeKey(action.type);
      if (known.includes(key)) continue;
      const at = locate.action(stage, index, 'type');
      const support = supportOf(key);
      if (support?.status === 'refused') {
        problems.push(
          problem(
            at,
            `${key} is not supported by Meridian: ${support.note}`,
            `use ${support.alternative ?? 'another action type'} (\`meridian providers\` lists what runs here)`,
          ),
        );
        continue;
      }
      const near = closest(key, known);
      const hint = `${near === undefined ? '' : `did you mean \`${near}\`? `}known action types: ${listWords([...known].sort(), 'and')}`;
      problems.push(problem(at, `unknown action type ${key}: no provider runs it`, hint));
    }
    return problems;
  };
}
