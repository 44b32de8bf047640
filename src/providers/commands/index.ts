/**
 * CodePipeline's Commands action (`Compute/AWS/Commands`): shell commands run in one bash
 * shell in the primary input's folder, CodeBuild 0.2 style. Output is streamed to the log
 * as it arrives (stderr merged into stdout, so their order is kept).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import type { Action } from '../../domain/pipeline.js';
import { runProcess, type ProcessResult } from '../child-process.js';
import { configList } from '../config.js';
import type { ActionContext, ActionResult, ConfigProblem, Provider } from '../provider.js';
import { commandsEnvironment } from './environment.js';
import { copyOutputFiles, patternProblem } from './output-files.js';
import { DONE, parseVariables, renderScript, type ScriptPaths } from './script.js';
import { COMMANDS_SCHEMA } from './schema.js';

const MAX_COMMANDS = 50;
const MAX_COMMAND_LENGTH = 1000;
/** All output variables of one action together (CodePipeline quota). */
const MAX_VARIABLE_BYTES = 122_880;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TYPES = ['PLAINTEXT', 'PARAMETER_STORE', 'SECRETS_MANAGER'];

export const commandsProvider: Provider = {
  types: ['Compute/AWS/Commands'],
  configuration: { 'Compute/AWS/Commands': COMMANDS_SCHEMA },
  outputVariables: (action) => action.outputVariables ?? [],
  capabilities: { idempotent: true, cancellable: true },
  validate,
  run,
};

function validate(action: Action): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const commands = action.commands ?? [];
  if (commands.length === 0) problems.push({ field: 'commands', message: `${action.name} needs at least one command`, hint: 'add Commands: [ "npm test" ]' });
  if (commands.length > MAX_COMMANDS)
    problems.push({ field: 'commands', message: `${action.name} has ${commands.length} commands; at most ${MAX_COMMANDS} are allowed` });
  commands.forEach((command, index) => {
    const field = `commands[${index}]`;
    if (command.length < 1 || command.length > MAX_COMMAND_LENGTH)
      problems.push({ field, message: `a command must be 1 to ${MAX_COMMAND_LENGTH} characters long` });
    if (/[\r\n]/.test(command))
      problems.push({ field, message: 'a command must be a single line', hint: 'split it into several commands, or join lines with &&' });
  });
  for (const name of action.outputVariables ?? []) {
    if (!NAME.test(name)) problems.push({ field: 'outputVariables', message: `${name} is not a valid variable name` });
  }
  for (const variable of action.environmentVariables ?? []) {
    const field = `environmentVariables.${variable.name}`;
    if (!NAME.test(variable.name)) problems.push({ field, message: `${variable.name} is not a valid environment variable name` });
    if (variable.name.startsWith('CODEBUILD_')) problems.push({ field, message: 'names starting with CODEBUILD_ are reserved' });
    if (!TYPES.includes(variable.type)) problems.push({ field, message: `type must be one of ${TYPES.join(', ')}` });
    if (variable.type !== 'PLAINTEXT' && variable.value === '') problems.push({ field, message: `a ${variable.type} variable needs the name of what to read` });
  }
  for (const pattern of configList(action, 'files') ?? []) {
    const message = patternProblem(pattern);
    if (message) problems.push({ field: 'files', message });
  }
  return problems;
}

async function run(ctx: ActionContext): Promise<ActionResult> {
  const { action } = ctx;
  const commands = action.commands ?? [];
  const primaryDir = ctx.inputs.values().next().value ?? ctx.workDir;
  const env = await commandsEnvironment(ctx, primaryDir);
  // Outside workDir: with no input, workDir is the primary folder that `files` globs. In the
  // attempt's scratch folder: left behind by a killed Meridian, it is found and removed.
  const scratch = await mkdtemp(join(await ctx.scratchDir(), 'commands-'));
  try {
    const paths: ScriptPaths = { status: join(scratch, 'status'), variables: join(scratch, 'variables') };
    const script = join(scratch, 'script.sh');
    await writeFile(script, renderScript(commands, action.outputVariables ?? [], paths));
    const result = await runProcess('bash', ['--noprofile', '--norc', script], {
      cwd: primaryDir,
      env,
      shield: true,
      signal: ctx.signal,
      onOutput: (text) => ctx.log.write(text),
    });
    checkOutcome(commands, result, await readText(paths.status));
    const outputVariables = pickVariables(action.outputVariables ?? [], await readText(paths.variables));
    const copied = await writeOutputs(ctx, primaryDir);
    const files = copied === undefined ? '' : `, ${copied} file${copied === 1 ? '' : 's'} in ${action.outputArtifacts[0]}`;
    return { outputVariables, summary: `${commands.length} command${commands.length === 1 ? '' : 's'} succeeded${files}` };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function checkOutcome(commands: readonly string[], result: ProcessResult, status: string): void {
  const index = Number(status);
  // `exit 0` as the last command finishes the list early but harmlessly.
  if (result.exitCode === 0 && (status === DONE || index === commands.length)) return;
  const command = commands[index - 1];
  const how = result.signal ? `was killed by ${result.signal}` : `failed with exit code ${result.exitCode}${exitHint(result.exitCode)}`;
  const details = { index, command, exitCode: result.exitCode, signal: result.signal };
  if (command === undefined) {
    throw new MeridianError('ACTION_FAILED', `the shell ${how} ${status === DONE ? 'after the commands' : 'before the first command'}`, { details });
  }
  const which = `command ${index} of ${commands.length} (${command})`;
  if (result.exitCode === 0) {
    throw new MeridianError('ACTION_FAILED', `${which} ended the shell with exit code 0; the commands after it did not run. Remove the exit`, { details });
  }
  throw new MeridianError('ACTION_FAILED', `${which} ${how}`, { details });
}

function exitHint(code: number | null): string {
  if (code === 127) return ' (command not found)';
  if (code === 126) return ' (not executable)';
  return '';
}

function pickVariables(names: readonly string[], written: string): Record<string, string> | undefined {
  if (names.length === 0) return undefined;
  const values = parseVariables(written);
  const missing = names.filter((name) => !values.has(name));
  if (missing.length > 0) {
    throw new MeridianError(
      'ACTION_FAILED',
      `output variable${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'was' : 'were'} not set by the commands; export ${missing.length === 1 ? 'it' : 'them'} from a command`,
      {
        details: { missing },
      },
    );
  }
  const picked = Object.fromEntries(names.map((name) => [name, values.get(name) ?? '']));
  const bytes = Object.entries(picked).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
  if (bytes > MAX_VARIABLE_BYTES) {
    throw new MeridianError('ACTION_FAILED', `output variables take ${bytes} bytes; CodePipeline allows ${MAX_VARIABLE_BYTES} per action`);
  }
  return picked;
}

/** The first output gets the `files`; further outputs are created empty. */
async function writeOutputs(ctx: ActionContext, primaryDir: string): Promise<number | undefined> {
  const [first, ...rest] = ctx.action.outputArtifacts;
  if (first === undefined) return undefined;
  const patterns = configList(ctx.action, 'files') ?? [];
  let copied: number | undefined;
  if (patterns.length === 0) {
    ctx.log.write(`[Meridian] output artifact ${first} is empty: the action names no files; set files: ["**"] to keep everything\n`);
    await ctx.outputDir(first);
  } else {
    copied = await copyOutputFiles(patterns, primaryDir, await ctx.outputDir(first));
  }
  for (const name of rest) await ctx.outputDir(name);
  return copied;
}

async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}
