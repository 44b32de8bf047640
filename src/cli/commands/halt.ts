import os from 'node:os';
import type { Command } from 'commander';
import { MeridianError } from '../../domain/errors.js';
import type { Meridian } from '../../meridian.js';
import { openMeridian } from '../open-meridian.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import { describeHalted, type HaltAnswer } from './halt-text.js';
import type { RegisterCommand } from './index.js';

interface HaltOptions {
  region?: string;
  reason: string;
  by?: string;
  stateDir?: string;
  server?: string;
}

/** How many recent executions a local halt reads to know which regions exist. */
const RECENT = 100;

/**
 * `meridian halt [--region R] --reason TEXT`: an emergency halt of deploy steps in a region, or
 * everywhere. A halt of a scope already halted is refused (exit 1) naming who, when and why.
 * A server refuses a region no loaded pipeline declares; locally no pipeline is loaded, so a
 * region that no recent execution in the state dir deploys to is halted with a warning.
 */
export const registerHalt: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('halt')
    .description('emergency halt: no deploy step (Deploy, Invoke, Compute) starts in a region, or anywhere, until `meridian unhalt`')
    .option('--region <name>', 'halt this region only (default: every region)')
    .requiredOption('--reason <text>', 'why (kept with the halt and in the events of the executions in progress)')
    .option('--by <name>', "who halts (default: the current user; with --server: the token's name)")
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .action(async (options: HaltOptions) => {
      try {
        io.out(describeHalted(await halt(options, (text) => io.err(text))));
      } catch (error) {
        // A refused halt is not bad input: another halt of that scope stands.
        if (!(error instanceof MeridianError) || error.code !== 'CONFLICT') throw error;
        io.err(`meridian: ${error.message}\n`);
        setExit(1);
      }
    });
};

async function halt(options: HaltOptions, warn: (text: string) => void): Promise<HaltAnswer> {
  const region = options.region ?? null;
  const server = ServerClient.from(options.server);
  if (server) return server.request<HaltAnswer>('POST', '/api/halts', { ...(region === null ? {} : { region }), reason: options.reason });
  const meridian = await openMeridian(resolveStateDir(options.stateDir));
  try {
    if (region !== null) await warnIfUnknown(meridian, region, warn);
    const done = await meridian.engine.halt({ region, by: options.by ?? os.userInfo().username, reason: options.reason });
    return { ...done.halt, executions: done.executions };
  } finally {
    await meridian.close();
  }
}

async function warnIfUnknown(meridian: Meridian, region: string, warn: (text: string) => void): Promise<void> {
  const known = new Set<string>();
  for (const execution of await meridian.store.listExecutions(meridian.db, { limit: RECENT })) {
    for (const r of execution.definition.regions) known.add(r.name);
    for (const stage of execution.definition.stages) for (const action of stage.actions) known.add(action.region);
  }
  if (known.size === 0 || known.has(region)) return;
  warn(
    `meridian: warning: no recent execution in this state dir deploys to ${region} (regions seen: ${[...known].sort().join(', ')}); halting it anyway — check the name\n`,
  );
}
