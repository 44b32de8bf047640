import type { Command } from 'commander';
import { MeridianError } from '../../domain/errors.js';
import { driveLocally } from '../drive.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

export const registerRetry: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('retry <execution>')
    .description('re-run the failed stage of an execution, like RetryStageExecution (same execution id)')
    .option('--stage <name>', 'the stage to retry (default: the failed one)')
    .option('--mode <mode>', 'failed: only failed actions; all: the whole stage', 'failed')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .option('--json', 'print only the execution summary as JSON')
    .action(async (execution: string, options: { stage?: string; mode: string; stateDir?: string; server?: string; json?: boolean }) => {
      if (options.mode !== 'failed' && options.mode !== 'all') {
        throw new MeridianError('BAD_INPUT', `--mode ${options.mode}: write --mode failed (FAILED_ACTIONS) or --mode all (ALL_ACTIONS)`);
      }
      const mode = options.mode;
      const server = ServerClient.from(options.server);
      if (server) {
        const body = { retryMode: mode === 'all' ? 'ALL_ACTIONS' : 'FAILED_ACTIONS', ...(options.stage === undefined ? {} : { stage: options.stage }) };
        const retried = await server.request<{ executionId: string; stage: string; retryMode: string }>(
          'POST',
          `/api/executions/${encodeURIComponent(execution)}/retry`,
          body,
        );
        if (options.json) io.out(`${JSON.stringify(retried, null, 2)}\n`);
        else io.out(`Stage ${retried.stage} of ${retried.executionId} retried on the server (${retried.retryMode}).\n`);
        return;
      }
      await driveLocally(
        resolveStateDir(options.stateDir),
        io,
        async (meridian, follow) => {
          const id = await meridian.store.resolveExecutionId(meridian.db, execution);
          follow([id]);
          const retry: { stage?: string; mode: 'failed' | 'all' } = { mode };
          if (options.stage !== undefined) retry.stage = options.stage;
          await meridian.engine.retry(id, retry);
          return [id];
        },
        { json: options.json === true, setExit },
      );
    });
};
