/**
 * Cross-region actions: every region an action runs in needs its own artifact store
 * (inputs are copied there before the action runs), and Source, ThirdParty and Custom
 * actions cannot leave the pipeline's home region.
 */
import type { Problem } from '../../domain/errors.js';
import { problem } from '../../lib/problems.js';
import { byFormat, placedActions, type Rule } from './rule.js';

export const crossRegion: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  const stored = new Set(pipeline.regions.map((region) => region.name));
  for (const { stage, index, action } of placedActions(pipeline)) {
    if (action.region === pipeline.homeRegion) continue;
    const at = locate.action(stage, index, 'region');
    const { category, owner } = action.type;
    if (category === 'Source' || owner === 'ThirdParty' || owner === 'Custom') {
      const kind = category === 'Source' ? 'Source' : owner;
      problems.push(
        problem(
          at,
          `${kind} actions cannot run in another region: ${action.name} runs in ${action.region}, the pipeline lives in ${pipeline.homeRegion}`,
          `remove the action's region; ${kind} actions run in the home region`,
        ),
      );
      continue;
    }
    if (!stored.has(action.region)) {
      problems.push(
        problem(
          at,
          `action ${action.name} runs in ${action.region}, which has no artifact store`,
          byFormat(pipeline, {
            native: `declare ${action.region} under \`regions:\``,
            template: `add an ArtifactStores entry for ${action.region}`,
            json: `add an artifactStores entry for ${action.region}`,
          }),
        ),
      );
    }
  }
  return problems;
};
