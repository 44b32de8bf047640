/**
 * From a checked buildspec to the plan the build script runs: the four phases with their
 * commands, on-failure and run-as, and the failures known before a phase starts (a runtime
 * the host lacks fails INSTALL; a run-as user that cannot be switched to fails its phase),
 * which CodeBuild reports in that phase, with its transitions.
 */
import { formatProblem } from '../../domain/errors.js';
import { PHASES, type Buildspec } from './buildspec.js';
import { resolveRunAs, type RunAs } from './run-as.js';
import { checkRuntimes } from './runtimes.js';
import { PHASE_NAMES, type BuildPlan, type PlannedPhase } from './script.js';

export async function planBuild(
  buildspec: Buildspec,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  log: (text: string) => void,
): Promise<Omit<BuildPlan, 'retriesUsed'>> {
  const users = new Map<string, RunAs>();
  const phases: PlannedPhase[] = [];
  for (const [index, key] of PHASES.entries()) {
    const spec = buildspec.phases[key];
    const phase: PlannedPhase = {
      name: PHASE_NAMES[index]!,
      commands: spec?.commands ?? [],
      finally: spec?.finally ?? [],
      onFailure: spec?.onFailure ?? { mode: 'DEFAULT' },
    };
    const requests = spec?.runtimeVersions ?? [];
    if (requests.length > 0) {
      const checked = await checkRuntimes(requests, env, signal);
      if ('problem' in checked) {
        const at = requests.find((request) => checked.problem.includes(`'${request.runtime}'`) || checked.problem.includes(`(${request.runtime}:`))?.at;
        phase.preFailure = { code: 'CLIENT_ERROR', message: at ? formatProblem({ location: at, message: checked.problem }) : checked.problem };
      } else for (const line of checked.found) log(line);
    }
    const user = spec?.runAs ?? buildspec.runAs;
    if (user !== undefined && phase.preFailure === undefined && phase.commands.length + phase.finally.length > 0) {
      const runAs = users.get(user) ?? (await resolveRunAs(user, env, signal));
      users.set(user, runAs);
      if ('problem' in runAs) phase.preFailure = { code: 'CLIENT_ERROR', message: runAs.problem };
      else if ('words' in runAs) phase.runAs = runAs.words;
    }
    phases.push(phase);
  }
  return {
    phases,
    separateShells: buildspec.version === '0.1',
    shell: buildspec.env.shell,
    exportedVariables: buildspec.env.exportedVariables,
    artifactNames: [],
  };
}
