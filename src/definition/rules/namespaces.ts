/**
 * Action namespaces: unique in the pipeline, never the name of an artifact, never one of
 * the namespaces Meridian fills itself (`codepipeline`, `variables`, `parameters`).
 */
import type { Problem } from '../../domain/errors.js';
import { RESERVED_NAMESPACES } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { describeAction, placedActions, type PlacedAction, type Rule } from './rule.js';

export const namespaces: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  const placed = placedActions(pipeline);
  const artifactNames = new Set(placed.flatMap(({ action }) => [...action.inputArtifacts, ...action.outputArtifacts]));
  const owners = new Map<string, PlacedAction>();
  for (const entry of placed) {
    const namespace = entry.action.namespace;
    if (namespace === undefined) continue;
    const at = locate.action(entry.stage, entry.index, 'namespace');
    if ((RESERVED_NAMESPACES as readonly string[]).includes(namespace)) {
      problems.push(
        problem(
          at,
          `namespace ${namespace} is reserved`,
          `Meridian fills \`${namespace}\` itself: choose another name, e.g. \`${entry.action.name.replace(/[^A-Za-z0-9@_-]/g, '')}Vars\``,
        ),
      );
      continue;
    }
    if (artifactNames.has(namespace)) {
      problems.push(problem(at, `namespace ${namespace} is also the name of an artifact`, 'a namespace may not be an artifact name: rename one of them'));
    }
    const owner = owners.get(namespace);
    if (owner)
      problems.push(
        problem(
          at,
          `namespace ${namespace} is already declared by action ${describeAction(owner)}`,
          'namespaces must be unique in the pipeline: rename one of them',
        ),
      );
    else owners.set(namespace, entry);
  }
  return problems;
};
