import fs from 'node:fs';
import type { Command } from 'commander';
import { actionLogPath } from '../../stores/logs/action-log.js';
import { followLogs, type LogLine } from '../../stores/logs/follow-logs.js';
import { MeridianError } from '../../domain/errors.js';
import type { CliIO } from '../io.js';
import { openMeridian } from '../open-meridian.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

interface LogsOptions {
  attempt?: string;
  follow?: boolean;
  stateDir?: string;
  server?: string;
}

export const registerLogs: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('logs <execution> [action]')
    .description("print an execution's action logs (secrets masked); ACTION is its name or Stage/name, as run prints it; -f follows them live")
    .option('--attempt <n>', 'which attempt (default: the latest)')
    .option('-f, --follow', 'keep printing new lines until the execution ends')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .action(async (execution: string, actionName: string | undefined, options: LogsOptions) => {
      const server = ServerClient.from(options.server);
      if (server) {
        await serverLogs(server, execution, actionName, options, io, setExit);
        return;
      }
      const stateDir = resolveStateDir(options.stateDir);
      const meridian = await openMeridian(stateDir);
      try {
        const id = await meridian.store.resolveExecutionId(meridian.db, execution);
        const snapshot = await meridian.store.snapshot(meridian.db, id);
        const chosen = actionName === undefined ? undefined : snapshot.actions.filter((a) => namesAction(actionName, a.stage, a.name));
        if (actionName !== undefined && chosen?.length === 0) {
          const known = snapshot.actions.map((a) => `${a.stage}/${a.name}`).join(', ');
          throw new MeridianError('NOT_FOUND', `execution ${id} has no action ${actionName}; its actions: ${known}`);
        }
        if (options.follow) {
          const status = await followLogs(meridian, id, printer(io, actionName), {
            signal: new AbortController().signal,
            ...(chosen?.[0] === undefined ? {} : { action: chosen[0].name }),
          });
          setExit(status === 'Succeeded' ? 0 : 1);
          return;
        }
        const actions = chosen ?? snapshot.actions.filter((a) => a.attempts > 0);
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

/** The action a `logs` argument names: `ACTION`, or `Stage/ACTION` as the run summary prints it. */
export function namesAction(argument: string, stage: string, action: string): boolean {
  return argument === action || argument === `${stage}/${action}`;
}

/** The action name to ask a server for: the part after `Stage/`. */
function serverActionName(argument: string): string {
  const slash = argument.indexOf('/');
  return slash < 0 ? argument : argument.slice(slash + 1);
}

/** One action: its lines as they are; several: each line after a `stage/action` prefix. */
function printer(io: CliIO, actionName: string | undefined): (line: LogLine) => void {
  return (line) => {
    if (actionName === undefined) io.out(`${line.stage}/${line.action} | ${line.line}\n`);
    else if (namesAction(actionName, line.stage, line.action)) io.out(`${line.line}\n`);
  };
}

async function serverLogs(
  server: ServerClient,
  execution: string,
  actionName: string | undefined,
  options: LogsOptions,
  io: CliIO,
  setExit: (code: number) => void,
): Promise<void> {
  const id = encodeURIComponent(execution);
  if (!options.follow && actionName !== undefined) {
    const attempt = options.attempt === undefined ? '' : `?attempt=${encodeURIComponent(options.attempt)}`;
    io.out(await server.text(`/api/executions/${id}/actions/${encodeURIComponent(serverActionName(actionName))}/log${attempt}`));
    return;
  }
  const print = printer(io, actionName);
  let status: string | undefined;
  const only = actionName === undefined ? '' : `?action=${encodeURIComponent(serverActionName(actionName))}`;
  await server.stream(`/api/executions/${id}/logs${only}`, (event, data) => {
    if (event === 'log') print(data as LogLine);
    else if (event === 'end') status = (data as { status: string }).status;
  });
  if (options.follow) setExit(status === 'Succeeded' ? 0 : 1);
}
