import type { Command } from 'commander';
import { adoptUnfinished } from '../../engine/dispatch/adopt-unfinished.js';
import { driveLocally } from '../drive.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

export const registerResume: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('resume [execution]')
    .description('carry unfinished executions (all, or the one named) on to their end')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option('--json', 'print only the execution summary as JSON')
    .action(async (execution: string | undefined, options: { stateDir?: string; json?: boolean }) => {
      await driveLocally(
        resolveStateDir(options.stateDir),
        io,
        async (meridian) => {
          const ids = await adoptUnfinished(meridian, execution);
          if (ids.length === 0) io.err('Nothing to resume: every execution has ended.\n');
          return ids;
        },
        { json: options.json === true, setExit },
      );
    });
};
