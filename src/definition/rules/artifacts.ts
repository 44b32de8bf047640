/**
 * Artifacts: an output name is produced once in the whole pipeline, and every input must
 * be the output of an action that runs before (earlier stage, or same stage with a lower
 * runOrder) — not necessarily the one right before it.
 */
import type { Problem } from '../../domain/errors.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import { describeAction, placedActions, runsBefore, type PlacedAction, type Rule } from './rule.js';

export const artifacts: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  const producers = new Map<string, PlacedAction>();
  const placed = placedActions(pipeline);
  for (const entry of placed) {
    entry.action.outputArtifacts.forEach((name, k) => {
      const earlier = producers.get(name);
      if (earlier) {
        problems.push(
          problem(
            locate.action(entry.stage, entry.index, `outputArtifacts.${k}`),
            `output artifact ${name} is already produced by action ${describeAction(earlier)}`,
            'output artifact names must be unique in the pipeline: rename one of them',
          ),
        );
      } else {
        producers.set(name, entry);
      }
    });
  }
  for (const entry of placed) {
    entry.action.inputArtifacts.forEach((name, k) => {
      const at = locate.action(entry.stage, entry.index, `inputArtifacts.${k}`);
      const producer = producers.get(name);
      if (producer && runsBefore(producer, entry)) return;
      if (producer) {
        problems.push(
          problem(
            at,
            `input artifact ${name} is produced by action ${describeAction(producer)}, which does not run before ${entry.action.name}`,
            producer.stage === entry.stage
              ? `give ${producer.action.name} a lower runOrder than ${entry.action.name} (${entry.action.runOrder})`
              : `move ${producer.action.name} to a stage before ${entry.stageName}`,
          ),
        );
        return;
      }
      const known = placed.filter((other) => runsBefore(other, entry)).flatMap((other) => other.action.outputArtifacts);
      const hint =
        didYouMean(name, known) ??
        (known.length > 0 ? `artifacts produced before this action: ${listWords(known, 'and')}` : 'no action before this one produces an artifact');
      problems.push(problem(at, `input artifact ${name} is not produced by any action`, hint));
    });
  }
  return problems;
};
