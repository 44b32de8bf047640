/**
 * An empty region name (`"": {}` under `regions:`, `home: ""`, `region: ""`, `""` in a
 * rollout wave) names nothing: it would become a region whose artifact store is the stores
 * folder itself. Each is refused where it is written. (`forEach` lists refuse it in the schema.)
 */
import type { Problem } from '../../domain/errors.js';
import { problem } from '../../lib/problems.js';
import type { Locator } from '../../lib/yaml/locator.js';
import type { NativeDefinition } from './schema.js';

export function emptyRegionProblems(definition: NativeDefinition, locator: Locator): Problem[] {
  const problems: Problem[] = [];
  if (definition.regions && '' in definition.regions) {
    problems.push(
      problem(
        locator.keyAt(['regions', '']),
        'a region under `regions:` has an empty name',
        "write the region's name as its key, e.g. `eu-west-1: { timezone: Europe/Dublin }`",
      ),
    );
  }
  if (definition.home === '') {
    problems.push(
      problem(
        locator.at(['home']),
        '`home` is empty',
        'write the name of a region declared under `regions:`, or leave `home` out: the first region is the home region',
      ),
    );
  }
  definition.stages.forEach((stage, i) => {
    stage.actions.forEach((action, j) => {
      if (action.region !== '') return;
      problems.push(
        problem(
          locator.at(['stages', i, 'actions', j, 'region']),
          `the \`region\` of action ${action.name} is empty`,
          'write the name of a region declared under `regions:`, or leave `region` out to run the action in the home region',
        ),
      );
    });
  });
  definition.rollout?.waves.forEach((wave, w) => {
    wave.forEach((name, k) => {
      if (name !== '') return;
      problems.push(
        problem(
          locator.at(['rollout', 'waves', w, k]),
          `wave ${w + 1} lists an empty region name`,
          'write the names of declared regions, e.g. [eu-west-1, us-east-1]',
        ),
      );
    });
  });
  return problems;
}
