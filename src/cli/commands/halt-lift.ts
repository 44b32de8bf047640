import os from 'node:os';
import type { Command } from 'commander';
import { openMeridian } from '../open-meridian.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import { describeLifted, type HaltAnswer } from './halt-text.js';
import type { RegisterCommand } from './index.js';

interface UnhaltOptions {
  region?: string;
  reason: string;
  by?: string;
  stateDir?: string;
  server?: string;
}

/**
 * `meridian unhalt [--region R] --reason TEXT`: lifts the emergency halt of a region, or of
 * every region. Nothing halted there: NOT_FOUND (exit 2), naming the halts that are active.
 */
export const registerUnhalt: RegisterCommand = (program: Command, io) => {
  program
    .command('unhalt')
    .description('lift an emergency halt: held deploy steps start again')
    .option('--region <name>', 'lift the halt of this region (default: the halt of every region)')
    .requiredOption('--reason <text>', 'why (kept with the halt and in the events of the executions in progress)')
    .option('--by <name>', "who lifts it (default: the current user; with --server: the token's name)")
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .action(async (options: UnhaltOptions) => {
      const region = options.region ?? null;
      const server = ServerClient.from(options.server);
      if (server) {
        io.out(describeLifted(await server.request<HaltAnswer>('POST', '/api/halts/lift', { ...(region === null ? {} : { region }), reason: options.reason })));
        return;
      }
      const meridian = await openMeridian(resolveStateDir(options.stateDir));
      try {
        const done = await meridian.engine.liftHalt({ region, by: options.by ?? os.userInfo().username, reason: options.reason });
        io.out(describeLifted({ ...done.halt, executions: done.executions }));
      } finally {
        await meridian.close();
      }
    });
};
