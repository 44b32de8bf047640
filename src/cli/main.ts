import { Command, CommanderError } from 'commander';
import { formatProblem } from '../domain/errors.js';
import { coerceError } from '../lib/coerce-error.js';
import { exitCodeFor } from './exit-code.js';
import { processIO, type CliIO } from './io.js';
import { commands } from './commands/index.js';
import { meridianVersion } from './version.js';

/** Runs the CLI and returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIO = processIO(argv.includes('--debug'))): Promise<number> {
  const program = new Command('meridian')
    .description('Cross-region deployment pipelines: build once, roll out region by region.')
    .version(meridianVersion(), '-V, --version', 'print the version')
    .option('--debug', 'print stack traces')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  for (const register of commands) register(program, io, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      return thrown.exitCode === 0 ? 0 : 2;
    }
    const error = coerceError(thrown);
    if (error.problems.length > 0) {
      for (const problem of error.problems) io.err(`${formatProblem(problem)}\n`);
      io.err(`${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} found.\n`);
    } else {
      io.err(`meridian: ${error.message}\n`);
    }
    if (io.debug && error.stack) io.err(`${error.stack}\n`);
    return exitCodeFor(error.code);
  }
}
