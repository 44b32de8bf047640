import type { Command } from 'commander';
import { toSummary } from '../../engine/execution-summary.js';
import { openMeridian } from '../open-meridian.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import type { ExecutionSummary } from '../../domain/execution.js';
import type { EventRecord } from '../../domain/records.js';
import { secretValuesOf } from '../../domain/secret-fields.js';
import { maskDeep, maskerOf } from '../../lib/redact-pipeline.js';
import { renderTree } from '../progress/live-tree.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

export const registerShow: RegisterCommand = (program: Command, io) => {
  program
    .command('show <execution>')
    .description('show an execution: stages, actions, and with --events its history')
    .option('--events', 'list every recorded transition')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .option('--json', 'print the execution summary (with --events: { summary, events })')
    .action(async (execution: string, options: { events?: boolean; stateDir?: string; server?: string; json?: boolean }) => {
      const server = ServerClient.from(options.server);
      if (server) {
        const summary = await server.request<ExecutionSummary>('GET', `/api/executions/${encodeURIComponent(execution)}`);
        const events = options.events ? await server.request<EventRecord[]>('GET', `/api/executions/${summary.executionId}/events`) : [];
        if (options.json) {
          io.out(`${JSON.stringify(options.events ? { summary, events } : summary, null, 2)}\n`);
          return;
        }
        // A server older than the stage reasons answers without `error`.
        const stageReason = summary.stages.some((s) => s.error);
        io.out(
          `Execution ${summary.executionId} of ${summary.pipeline}: ${summary.status}${summary.error && !stageReason ? ` — ${summary.error.message}` : ''}\n`,
        );
        for (const stage of summary.stages) {
          io.out(`  ${stage.name}: ${stage.status}${stage.error ? ` — ${stage.error.message}` : ''}\n`);
          for (const action of stage.actions)
            io.out(`    ${action.name} (${action.region}, runOrder ${action.runOrder}) ${action.status}${action.error ? `: ${action.error.message}` : ''}\n`);
        }
        if (options.events) {
          io.out('\nEvents:\n');
          for (const event of events) io.out(`  ${event.at}  ${event.stage ? `[${event.stage}] ` : ''}${event.description}\n`);
        }
        return;
      }
      const meridian = await openMeridian(resolveStateDir(options.stateDir));
      try {
        const id = await meridian.store.resolveExecutionId(meridian.db, execution);
        const snapshot = await meridian.store.snapshot(meridian.db, id);
        // Events are masked as the server's answers are: with the secrets of the execution's definition.
        const events = options.events ? maskDeep(await meridian.store.events(meridian.db, id), maskerOf(secretValuesOf(snapshot.execution.definition))) : [];
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
