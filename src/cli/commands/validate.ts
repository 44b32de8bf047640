import path from 'node:path';
import type { Command } from 'commander';
import { environmentNeeds } from '../../definition/environment-needs.js';
import { laneNotes } from '../../definition/lanes/lane-notes.js';
import { laneWarnings } from '../../definition/lanes/lane-warnings.js';
import { loadDefinition, loadLocatedDefinition, type LoadOptions } from '../../definition/load-definition.js';
import { triggerWarnings } from '../../definition/trigger-warnings.js';
import { windowWarnings } from '../../definition/windows/window-warnings.js';
import { printNotes, printWarnings } from '../print-warnings.js';
import { MeridianError } from '../../domain/errors.js';
import { definitionError, tidyProblems } from '../../lib/problems.js';
import type { Pipeline } from '../../domain/pipeline.js';
import { registerBuiltinProviders } from '../../providers/builtin.js';
import { ProviderRegistry } from '../../providers/registry.js';
import { providerChecks } from '../load.js';
import { missingEnvironment, withMachineState, type MachineState } from '../machine-state.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

/** Loads a definition without starting anything; reads exports only from an existing state dir. */
export async function loadForInspection(file: string, pipelineName: string | undefined, stateDirOption: string | undefined): Promise<Pipeline> {
  return withMachineState(resolveStateDir(stateDirOption), (state) => loadDefinition(path.resolve(file), inspectionOptions(pipelineName, state)));
}

function inspectionOptions(pipelineName: string | undefined, state: MachineState): LoadOptions {
  const options: LoadOptions = { exports: state.exports, ...providerChecks(registerBuiltinProviders(new ProviderRegistry())) };
  if (pipelineName !== undefined) options.pipelineName = pipelineName;
  return options;
}

interface ValidateOptions {
  file: string;
  pipeline?: string;
  stateDir?: string;
  at?: string;
  requireEnv?: boolean;
}

export const registerValidate: RegisterCommand = (program: Command, io) => {
  program
    .command('validate')
    .description('check a definition and report every problem with FILE:LINE:COL')
    .requiredOption('-f, --file <file>', 'the definition')
    .option('--pipeline <name>', 'which pipeline, when the template holds several')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option('--at <iso8601>', 'judge window warnings as of this instant (default: now)')
    .option('--require-env', "fail when the machine's state lacks an export, a parameter or a secret the definition reads (default: a warning each)")
    .action(async (options: ValidateOptions) => {
      const at = options.at === undefined ? new Date() : new Date(options.at);
      if (Number.isNaN(at.getTime())) throw new MeridianError('BAD_INPUT', `--at ${options.at ?? ''}: write an ISO 8601 instant such as 2026-03-29T01:30:00Z`);
      const file = path.resolve(options.file);
      // The definition is judged on its own; what this machine's state lacks is only a warning, unless --require-env.
      const { pipeline, locate, missing } = await withMachineState(resolveStateDir(options.stateDir), async (state) => {
        const loaded = await loadLocatedDefinition(file, { ...inspectionOptions(options.pipeline, state), missingExports: 'warn' });
        return { ...loaded, missing: [...loaded.warnings, ...(await missingEnvironment(environmentNeeds(loaded.pipeline, loaded.locate), state))] };
      });
      if (options.requireEnv === true && missing.length > 0) throw definitionError(file, missing);
      // Warnings and notes do not fail validation: the definition is valid, but may not deploy as meant, or not as it reads.
      printWarnings(io, [...tidyProblems(missing), ...triggerWarnings(pipeline), ...windowWarnings(pipeline, at), ...laneWarnings(pipeline, locate)]);
      printNotes(io, laneNotes(pipeline, locate));
      const actions = pipeline.stages.reduce((n, s) => n + s.actions.length, 0);
      const regions = [...new Set(pipeline.stages.flatMap((s) => s.actions.map((a) => a.region)))];
      io.out(`${options.file}: pipeline ${pipeline.name} is valid: ${pipeline.stages.length} stages, ${actions} actions, regions ${regions.join(', ')}.\n`);
    });
};
