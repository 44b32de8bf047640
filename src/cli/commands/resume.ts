import type { Command } from 'commander';
import { MeridianError } from '../../domain/errors.js';
import { adoptUnfinished } from '../../engine/dispatch/adopt-unfinished.js';
import type { Meridian } from '../../meridian.js';
import { driveLocally } from '../drive.js';
import type { CliIO } from '../io.js';
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
          if (ids.length === 0) await sayWhyNothingResumed(meridian, io, execution);
          return ids;
        },
        { json: options.json === true, setExit },
      );
    });
};

/**
 * Nothing was adopted: every execution has ended, or another process (a `resume` or a server
 * that got there first, or a run still going) owns the unfinished ones. Say which.
 */
async function sayWhyNothingResumed(meridian: Meridian, io: CliIO, execution: string | undefined): Promise<void> {
  const { store, db } = meridian;
  if (execution !== undefined) {
    // adoptUnfinished refused a live owner already; here another process adopted it first.
    const record = await store.getExecution(db, await store.resolveExecutionId(db, execution));
    if (record.status !== 'InProgress' && record.status !== 'Stopping') {
      throw new MeridianError('CONFLICT', `execution ${record.id} was resumed by another process and has ended (${record.status})`);
    }
    throw new MeridianError('CONFLICT', `execution ${record.id} is being resumed by ${record.owner ?? 'another process'}; wait for it or stop it`);
  }
  const unfinished = (await store.listExecutionHeads(db, { unfinished: true })).filter((head) => head.owner !== meridian.owner);
  if (unfinished.length === 0) {
    io.err('Nothing to resume: every execution has ended.\n');
    return;
  }
  for (const head of unfinished) io.err(`Nothing to resume here: execution ${head.id} is being run by ${head.owner ?? 'another process'}.\n`);
}
