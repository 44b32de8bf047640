/**
 * CodeBuild (`Build/AWS/CodeBuild`, `Test/AWS/CodeBuild`): runs a buildspec on this host
 * with bash, with CodeBuild's phases, environment, artifacts, cache and reports. See
 * run-build.ts for the order of a build and on-failure.ts for the phase transitions.
 */
import type { Action } from '../../domain/pipeline.js';
import { configString } from '../config.js';
import type { ConfigProblem, Provider } from '../provider.js';
import { projectProblems } from './project.js';
import { runBuild } from './run-build.js';
import { CODEBUILD_SCHEMA } from './schema.js';

export const codeBuildProvider: Provider = {
  types: ['Build/AWS/CodeBuild', 'Test/AWS/CodeBuild'],
  configuration: { 'Build/AWS/CodeBuild': CODEBUILD_SCHEMA, 'Test/AWS/CodeBuild': CODEBUILD_SCHEMA },
  capabilities: { idempotent: true, cancellable: true },
  validate,
  run: runBuild,
};

function validate(action: Action): ConfigProblem[] {
  const problems = projectProblems(action);
  const primary = configString(action, 'PrimarySource');
  if (primary !== undefined && !action.inputArtifacts.includes(primary)) {
    problems.push({
      field: 'PrimarySource',
      message: `PrimarySource ${primary} is not an input artifact of ${action.name}`,
      hint: `use one of ${action.inputArtifacts.join(', ') || '(no inputs)'}`,
    });
  }
  if (primary === undefined && action.inputArtifacts.length > 1) {
    problems.push({
      field: 'PrimarySource',
      message: `${action.name} has ${action.inputArtifacts.length} input artifacts and no PrimarySource`,
      hint: `set PrimarySource to the input that holds the buildspec, e.g. ${action.inputArtifacts[0]}`,
    });
  }
  return problems;
}
