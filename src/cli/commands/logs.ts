import fs from 'node:fs';
import type { Command } from 'commander';
import { actionLogPath } from '../../agent/action-log.js';
import { MeridianError } from '../../domain/errors.js';
import { openLocalMeridian } from '../local-meridian.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

export const registerLogs: RegisterCommand = (program: Command, io) => {
  program
    .command('logs <execution> [action]')
    .description("print an execution's action logs (secrets masked)")
    .option('--attempt <n>', 'which attempt (default: the latest)')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (execution: string, actionName: string | undefined, options: { attempt?: string; stateDir?: string }) => {
      const stateDir = resolveStateDir(options.stateDir);
      const meridian = await openLocalMeridian(stateDir);
      try {
        const id = await meridian.store.resolveExecutionId(meridian.db, execution);
        const snapshot = await meridian.store.snapshot(meridian.db, id);
        const actions = actionName ? snapshot.actions.filter((a) => a.name === actionName) : snapshot.actions.filter((a) => a.attempts > 0);
        if (actionName && actions.length === 0) {
          throw new MeridianError('NOT_FOUND', `execution ${id} has no action ${actionName}; its actions: ${snapshot.actions.map((a) => a.name).join(', ')}`);
        }
        for (const action of actions) {
          const attempt = options.attempt ? Number(options.attempt) : action.attempts;
          const file = actionLogPath(stateDir, id, action.stage, action.name, attempt);
          if (!actionName) io.out(`==> ${action.stage}/${action.name} (${action.region}, attempt ${attempt}) <==\n`);
          if (fs.existsSync(file)) io.out(fs.readFileSync(file, 'utf8'));
          else if (actionName) io.out(`(no log for attempt ${attempt} of ${action.name})\n`);
        }
      } finally {
        await meridian.close();
      }
    });
};
