import type { Command } from 'commander';
import { toSummary } from '../../engine/execution-summary.js';
import { openLocalMeridian } from '../local-meridian.js';
import { renderTree } from '../progress/live-tree.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

export const registerShow: RegisterCommand = (program: Command, io) => {
  program
    .command('show <execution>')
    .description('show an execution: stages, actions, and with --events its history')
    .option('--events', 'list every recorded transition')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option('--json', 'print the execution summary (with --events: { summary, events })')
    .action(async (execution: string, options: { events?: boolean; stateDir?: string; json?: boolean }) => {
      const meridian = await openLocalMeridian(resolveStateDir(options.stateDir));
      try {
        const id = await meridian.store.resolveExecutionId(meridian.db, execution);
        const snapshot = await meridian.store.snapshot(meridian.db, id);
        const events = options.events ? await meridian.store.events(meridian.db, id) : [];
        if (options.json) {
          const summary = toSummary(snapshot);
          io.out(`${JSON.stringify(options.events ? { summary, events } : summary, null, 2)}\n`);
          return;
        }
        io.out(`${renderTree(snapshot, meridian.clock.now(), new Map())}\n`);
        if (options.events) {
          io.out('\nEvents:\n');
          for (const event of events) io.out(`  ${event.at}  ${event.stage ? `[${event.stage}] ` : ''}${event.description}\n`);
        }
      } finally {
        await meridian.close();
      }
    });
};
