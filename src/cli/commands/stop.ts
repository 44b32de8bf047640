import type { Command } from 'commander';
import { isOwnerAlive } from '../../lib/process-owner.js';
import { driveAndReport } from '../drive.js';
import { openMeridian } from '../open-meridian.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';
import { adoptUnfinished } from '../../engine/dispatch/adopt-unfinished.js';

export const registerStop: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('stop <execution>')
    .description('stop an execution: running actions finish (stop and wait) or are abandoned (--abandon)')
    .option('--abandon', 'abandon running actions instead of letting them finish')
    .option('--reason <text>', 'why, recorded in the execution history')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .action(async (execution: string, options: { abandon?: boolean; reason?: string; stateDir?: string; server?: string }) => {
      const server = ServerClient.from(options.server);
      if (server) {
        const body = { abandon: options.abandon === true, ...(options.reason === undefined ? {} : { reason: options.reason }) };
        const stopped = await server.request<{ executionId: string }>('POST', `/api/executions/${encodeURIComponent(execution)}/stop`, body);
        io.out(
          `Stop requested for ${stopped.executionId}; the server will ${options.abandon ? 'abandon its running actions' : 'let running actions finish'} and stop it.\n`,
        );
        return;
      }
      const meridian = await openMeridian(resolveStateDir(options.stateDir), { followOnly: true });
      try {
        const id = await meridian.store.resolveExecutionId(meridian.db, execution);
        await meridian.engine.requestStop(id, options.abandon === true, options.reason);
        const record = await meridian.store.getExecution(meridian.db, id);
        if (isOwnerAlive(record.owner)) {
          io.out(
            `Stop requested; the process running ${id} will ${options.abandon ? 'abandon its running actions' : 'let running actions finish'} and stop.\n`,
          );
          return;
        }
        // Nobody drives it: stop it here. Interrupted actions cannot finish, so they are abandoned.
        await driveAndReport(
          meridian,
          io,
          async () => {
            await meridian.engine.requestStop(id, true, 'no process was running it');
            const ids = await adoptUnfinished(meridian, id);
            for (const adopted of ids) meridian.followed.add(adopted);
            return ids;
          },
          { json: false, setExit: () => setExit(0) },
        );
      } finally {
        await meridian.close();
      }
    });
};
