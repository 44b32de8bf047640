import type { Command } from 'commander';
import { openMeridian } from '../open-meridian.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

export const registerExecutions: RegisterCommand = (program: Command, io) => {
  program
    .command('executions')
    .description('list executions, newest first')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--limit <n>', 'at most this many', '50')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .option('--json', 'print JSON')
    .action(async (options: { pipeline?: string; limit: string; stateDir?: string; server?: string; json?: boolean }) => {
      const server = ServerClient.from(options.server);
      if (server) {
        const query = new URLSearchParams({ limit: options.limit, ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }) });
        const rows = await server.request<Array<{ executionId: string; pipeline: string; status: string; startedAt: string }>>(
          'GET',
          `/api/executions?${query.toString()}`,
        );
        if (options.json)
          io.out(
            `${JSON.stringify(
              rows.map((r) => ({ executionId: r.executionId, pipeline: r.pipeline, status: r.status, startedAt: r.startedAt })),
              null,
              2,
            )}\n`,
          );
        else for (const r of rows) io.out(`${r.executionId}  ${r.pipeline.padEnd(20)} ${r.status.padEnd(11)} ${r.startedAt}\n`);
        return;
      }
      const meridian = await openMeridian(resolveStateDir(options.stateDir));
      try {
        const filter: { pipeline?: string; limit: number } = { limit: Number(options.limit) };
        if (options.pipeline !== undefined) filter.pipeline = options.pipeline;
        const executions = await meridian.store.listExecutions(meridian.db, filter);
        if (options.json) {
          const rows = executions.map((e) => ({ executionId: e.id, pipeline: e.pipeline, status: e.status, startedAt: e.startedAt }));
          io.out(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (executions.length === 0) {
          io.out('No executions yet. Start one with `meridian run -f FILE`.\n');
          return;
        }
        for (const e of executions) io.out(`${e.id}  ${e.pipeline.padEnd(20)} ${e.status.padEnd(11)} ${e.startedAt}\n`);
      } finally {
        await meridian.close();
      }
    });
};
