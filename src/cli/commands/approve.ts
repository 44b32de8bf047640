import os from 'node:os';
import type { Command } from 'commander';
import { openMeridian } from '../open-meridian.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { CliIO } from '../io.js';
import type { RegisterCommand } from './index.js';

interface AnswerOptions {
  comment?: string;
  stage?: string;
  by?: string;
  stateDir?: string;
  server?: string;
}

function registerAnswer(program: Command, name: 'approve' | 'reject', io: CliIO): void {
  const status = name === 'approve' ? 'Approved' : 'Rejected';
  program
    .command(`${name} <execution> <action>`)
    .description(`${name} a manual approval action that is waiting`)
    .option('--comment <text>', 'a summary recorded with the answer')
    .option('--stage <name>', 'the stage, when several stages have an action of that name')
    .option('--by <name>', "who answers (default: the current user; with --server: the token's name)")
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .action(async (execution: string, action: string, options: AnswerOptions) => {
      const server = ServerClient.from(options.server);
      if (server) {
        const body = {
          status,
          ...(options.comment === undefined ? {} : { comment: options.comment }),
          ...(options.stage === undefined ? {} : { stage: options.stage }),
        };
        const answered = await server.request<{ executionId: string; by: string }>(
          'POST',
          `/api/executions/${encodeURIComponent(execution)}/approvals/${encodeURIComponent(action)}`,
          body,
        );
        io.out(`${action} ${status.toLowerCase()} in execution ${answered.executionId} by ${answered.by}.\n`);
        return;
      }
      const meridian = await openMeridian(resolveStateDir(options.stateDir));
      try {
        const id = await meridian.store.resolveExecutionId(meridian.db, execution);
        const answer: { status: typeof status; comment: string | null; by: string; stage?: string } = {
          status,
          comment: options.comment ?? null,
          by: options.by ?? os.userInfo().username,
        };
        if (options.stage !== undefined) answer.stage = options.stage;
        await meridian.engine.answerApproval(id, action, answer);
        io.out(`${action} ${status.toLowerCase()} in execution ${id}.\n`);
      } finally {
        await meridian.close();
      }
    });
}

export const registerApprove: RegisterCommand = (program, io) => {
  registerAnswer(program, 'approve', io);
  registerAnswer(program, 'reject', io);
};
