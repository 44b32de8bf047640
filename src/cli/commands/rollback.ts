import os from 'node:os';
import type { Command } from 'commander';
import { driveLocally } from '../drive.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

interface RollbackOptions {
  to?: string;
  region?: string[];
  by?: string;
  stateDir?: string;
  server?: string;
  json?: boolean;
}

/** `meridian rollback PIPELINE STAGE`: RollbackStage, run to its end here or started on a server. */
export const registerRollback: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('rollback <pipeline> <stage>')
    .description('roll a stage back, like RollbackStage: each region to its last good run of the stage (or all to --to), in rollback executions')
    .option('--to <execution>', 'go back to this execution in every region')
    .option(
      '--region <name>',
      'only this region (repeat for several; default: every region the latest run of the stage touched)',
      (value: string, all: string[] = []) => [...all, value],
    )
    .option('--by <name>', "who rolls back (default: the current user; with --server: the token's name)")
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .option('--json', 'print only the execution summaries as JSON')
    .action(async (pipeline: string, stage: string, options: RollbackOptions) => {
      const server = ServerClient.from(options.server);
      if (server) {
        const body = {
          ...(options.to === undefined ? {} : { targetPipelineExecutionId: options.to }),
          ...(options.region === undefined ? {} : { regions: options.region }),
        };
        const started = await server.request<{ executionIds: string[] }>(
          'POST',
          `/api/pipelines/${encodeURIComponent(pipeline)}/stages/${encodeURIComponent(stage)}/rollback`,
          body,
        );
        if (options.json) io.out(`${JSON.stringify(started, null, 2)}\n`);
        else io.out(`Rollback of ${pipeline}/${stage} started on the server: ${started.executionIds.join(', ')}.\n`);
        return;
      }
      const by = options.by ?? os.userInfo().username;
      await driveLocally(
        resolveStateDir(options.stateDir),
        io,
        (meridian) =>
          meridian.engine.rollbackStage({
            pipeline,
            stage,
            by,
            ...(options.to === undefined ? {} : { to: options.to }),
            ...(options.region === undefined ? {} : { regions: options.region }),
          }),
        { json: options.json === true, setExit },
      );
    });
};
