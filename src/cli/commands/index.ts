import type { Command } from 'commander';
import type { CliIO } from '../io.js';

/**
 * Each command file exports one `register` function; this list is the CLI. A command
 * reports failure by throwing a MeridianError (mapped to an exit code in main.ts) or by
 * calling `setExit` (e.g. `run` exits 1 when the execution failed).
 */
export type RegisterCommand = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

export const commands: RegisterCommand[] = [];
