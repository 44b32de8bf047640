import type { Command } from 'commander';
import { activeHalts, haltHistory, type Halt } from '../../stores/state/halt-records.js';
import { openMeridian } from '../open-meridian.js';
import { SERVER_FLAGS, SERVER_HELP, ServerClient } from '../server-client.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import { haltTable } from './halt-text.js';
import type { RegisterCommand } from './index.js';

/** `meridian halts [--all] [--json]`: the active emergency halts, or (`--all`) the history, newest first. */
export const registerHalts: RegisterCommand = (program: Command, io) => {
  program
    .command('halts')
    .description('list active emergency halts (--all: every halt, lifted ones too)')
    .option('--all', 'the history: lifted halts too, newest first')
    .option('--json', 'print JSON: [{ id, region, by, reason, at, lifted }] (region null: every region)')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option(SERVER_FLAGS, SERVER_HELP)
    .action(async (options: { all?: boolean; json?: boolean; stateDir?: string; server?: string }) => {
      const history = options.all === true;
      const halts = await read(history, options);
      io.out(options.json ? `${JSON.stringify(halts, null, 2)}\n` : haltTable(halts, history));
    });
};

async function read(history: boolean, options: { stateDir?: string; server?: string }): Promise<Halt[]> {
  const server = ServerClient.from(options.server);
  if (server) return server.request<Halt[]>('GET', `/api/halts${history ? '?all=1' : ''}`);
  const meridian = await openMeridian(resolveStateDir(options.stateDir));
  try {
    return history ? await haltHistory(meridian.db) : await activeHalts(meridian.db);
  } finally {
    await meridian.close();
  }
}
