import type { Command } from 'commander';
import { commitOf, executionsTable, type ExecutionRow } from '../executions-table.js';
import { openMeridian } from '../open-meridian.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

interface ExecutionsOptions {
  pipeline?: string;
  limit: string;
  stateDir?: string;
  server?: string;
  json?: boolean;
}

/** A row before its commit is looked up. */
type ListedExecution = Omit<ExecutionRow, 'commit'>;

export const registerExecutions: RegisterCommand = (program: Command, io) => {
  program
    .command('executions')
    .description('list executions, newest first: status, when, how long, trigger, commit')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--limit <n>', 'at most this many', '50')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .option('--json', 'print JSON')
    .action(async (options: ExecutionsOptions) => {
      const rows = await listRows(options);
      if (options.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
      else if (rows.length === 0) io.out('No executions yet. Start one with `meridian run -f FILE`.\n');
      else io.out(executionsTable(rows));
    });
};

async function listRows(options: ExecutionsOptions): Promise<ExecutionRow[]> {
  const server = ServerClient.from(options.server);
  if (server) {
    const query = new URLSearchParams({ limit: options.limit, ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }) });
    const listed = await server.request<ListedExecution[]>('GET', `/api/executions?${query.toString()}`);
    return Promise.all(
      listed.map(async (r) => {
        const summary = await server.request<{ stages: Array<{ actions: Array<{ outputVariables: Record<string, string> }> }> }>(
          'GET',
          `/api/executions/${encodeURIComponent(r.executionId)}`,
        );
        const commit = commitOf(summary.stages.flatMap((stage) => stage.actions));
        return { executionId: r.executionId, pipeline: r.pipeline, status: r.status, startedAt: r.startedAt, endedAt: r.endedAt, trigger: r.trigger, commit };
      }),
    );
  }
  const meridian = await openMeridian(resolveStateDir(options.stateDir));
  try {
    const filter: { pipeline?: string; limit: number } = { limit: Number(options.limit) };
    if (options.pipeline !== undefined) filter.pipeline = options.pipeline;
    const heads = await meridian.store.listExecutionHeads(meridian.db, filter);
    const rows: ExecutionRow[] = [];
    for (const e of heads) {
      const { actions } = await meridian.store.snapshot(meridian.db, e.id);
      rows.push({
        executionId: e.id,
        pipeline: e.pipeline,
        status: e.status,
        startedAt: e.startedAt,
        endedAt: e.endedAt,
        trigger: e.trigger,
        commit: commitOf(actions),
      });
    }
    return rows;
  } finally {
    await meridian.close();
  }
}
