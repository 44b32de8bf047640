import os from 'node:os';
import type { Command } from 'commander';
import { openMeridian } from '../open-meridian.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

interface OverrideOptions {
  reason: string;
  by?: string;
  stateDir?: string;
  server?: string;
}

/** `meridian windows override EXECUTION REGION --reason TEXT`: deploy to a region now, outside its window. */
export const registerWindows: RegisterCommand = (program: Command, io) => {
  const windows = program.command('windows').description('deployment windows of executions');
  windows
    .command('override <execution> <region>')
    .description("start the actions of an execution that wait for a region's window now (recorded with who, when and why)")
    .requiredOption('--reason <text>', "why the window is overridden (kept in the execution's events)")
    .option('--by <name>', "who overrides (default: the current user; with --server: the token's name)")
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .action(async (execution: string, region: string, options: OverrideOptions) => {
      const server = ServerClient.from(options.server);
      if (server) {
        const done = await server.request<{ executionId: string; by: string; actions: string[] }>(
          'POST',
          `/api/executions/${encodeURIComponent(execution)}/windows/${encodeURIComponent(region)}/override`,
          { reason: options.reason },
        );
        io.out(describe(done.executionId, region, done.by, done.actions));
        return;
      }
      const meridian = await openMeridian(resolveStateDir(options.stateDir));
      try {
        const id = await meridian.store.resolveExecutionId(meridian.db, execution);
        const by = options.by ?? os.userInfo().username;
        const actions = await meridian.engine.overrideWindow(id, region, by, options.reason);
        io.out(describe(id, region, by, actions));
      } finally {
        await meridian.close();
      }
    });
};

function describe(executionId: string, region: string, by: string, actions: string[]): string {
  const what =
    actions.length > 0
      ? `${actions.join(', ')} start${actions.length === 1 ? 's' : ''} at the next step of the process running it`
      : 'no action waits there yet; later ones will not wait';
  return `Window of ${region} overridden for execution ${executionId} by ${by}: ${what}.\n`;
}
