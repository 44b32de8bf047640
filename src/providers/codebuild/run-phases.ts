/**
 * Runs INSTALL..POST_BUILD of one build attempt: one bash process for the whole build, and
 * a new one only when a command ended the shell (`exit`, `set -e`): the build then goes on
 * after that command, as CodeBuild would, from the environment saved at the phase start.
 */
import { constants } from 'node:os';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import { runProcess } from '../child-process.js';
import { parseVariables } from '../commands/script.js';
import { renderBuildScript, type BuildPlan, type ScriptFiles, type StartPoint } from './script.js';

export interface PhaseResult {
  name: string;
  state: 'SUCCEEDED' | 'FAILED';
  durationMs: number;
  message: string;
}

export interface PhasesOutcome {
  succeeded: boolean;
  /** BUILD was entered: artifacts and reports are attempted. */
  built: boolean;
  /** A RETRY phase asked for another attempt. */
  retry: boolean;
  aborted: boolean;
  phases: PhaseResult[];
  /** Exported variables that were set when POST_BUILD ended. */
  variables: Map<string, string>;
  artifactNames: string[];
}

export interface PhasesOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  onOutput: (text: string) => void;
  /** A private folder for the script and its files. */
  scratch: string;
}

export async function runPhases(plan: BuildPlan, options: PhasesOptions): Promise<PhasesOutcome> {
  const files: ScriptFiles = {
    status: join(options.scratch, 'status'),
    message: join(options.scratch, 'message'),
    phases: join(options.scratch, 'phases'),
    env: join(options.scratch, 'env'),
    variables: join(options.scratch, 'variables'),
    names: join(options.scratch, 'names'),
  };
  for (const file of Object.values(files) as string[]) await rm(file, { force: true });
  const script = join(options.scratch, 'build.sh');
  const commandCount = plan.phases.reduce((sum, phase) => sum + phase.commands.length + phase.finally.length, 0);
  let start: StartPoint | undefined;
  // Each new shell starts after the command that ended the last one, so this always ends.
  for (let shells = 0; shells <= commandCount + 1; shells++) {
    await writeFile(script, renderBuildScript(plan, files, start));
    await rm(files.status, { force: true });
    const result = await runProcess('bash', ['--noprofile', '--norc', script], {
      cwd: options.cwd,
      env: options.env,
      shield: true,
      signal: options.signal,
      onOutput: options.onOutput,
    });
    const status = (await readText(files.status)).trimEnd().split('\n').pop() ?? '';
    if (status.startsWith('end ')) return outcome(status, files);
    const [phase, section, index] = status.split(' ');
    if (phase === undefined || section === undefined || index === undefined) {
      throw new MeridianError(
        'ACTION_FAILED',
        `the build shell ended with exit code ${result.exitCode ?? result.signal} before its first command; check the buildspec's env and shell`,
      );
    }
    const exitStatus = result.exitCode ?? 128 + (result.signal ? (constants.signals[result.signal] ?? 0) : 0);
    const inFinally = section === 'f';
    const earlier = inFinally ? await readText(files.message) : '';
    start = { phase: Number(phase), section: inFinally ? 'finally' : 'commands', index: Number(index), status: exitStatus };
    if (earlier !== '') start.earlierFailure = earlier;
  }
  throw new MeridianError('INTERNAL', 'the build shell kept ending without making progress');
}

async function outcome(status: string, files: ScriptFiles): Promise<PhasesOutcome> {
  const [, ok, built, retry, aborted] = status.split(' ');
  const fields = (await readText(files.phases)).split('\0');
  const phases: PhaseResult[] = [];
  for (let i = 0; i + 3 < fields.length; i += 4) {
    phases.push({ name: fields[i]!, state: fields[i + 1] === 'FAILED' ? 'FAILED' : 'SUCCEEDED', durationMs: Number(fields[i + 2]), message: fields[i + 3]! });
  }
  const names = (await readText(files.names)).split('\0');
  names.pop();
  return {
    succeeded: ok === '1',
    built: built === '1',
    retry: retry === '1',
    aborted: aborted === '1',
    phases,
    variables: parseVariables(await readText(files.variables)),
    artifactNames: names,
  };
}

async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}
