/** `meridian exports set|list|delete`: the values `!ImportValue` reads while a definition compiles. */
import type { Command } from 'commander';
import { ExportsStore } from '../../stores/exports/exports-store.js';
import type { CliIO } from '../io.js';
import { printJson, withStateDb } from '../state-db.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

interface StateOptions {
  stateDir?: string;
}

function withExports<T>(options: StateOptions, fn: (store: ExportsStore) => Promise<T>): Promise<T> {
  return withStateDb(resolveStateDir(options.stateDir), (db) => fn(new ExportsStore(db)));
}

export const registerExports: RegisterCommand = (program: Command, io: CliIO) => {
  const exports = program.command('exports').description('named values for !ImportValue, like CloudFormation exports');

  exports
    .command('set <name> <value>')
    .description('create or replace an export')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (name: string, value: string, options: StateOptions) => {
      await withExports(options, (store) => store.set(name, value));
      // Confirms as `params put` does, without echoing the value: an export may hold a token, and output ends up in CI logs.
      printJson(io, { Name: name });
    });

  exports
    .command('list')
    .description('list every export with its value')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (options: StateOptions) => {
      const list = await withExports(options, (store) => store.list());
      printJson(io, { Exports: list.map((e) => ({ Name: e.name, Value: e.value })) });
    });

  exports
    .command('delete <name>')
    .description('delete an export')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (name: string, options: StateOptions) => {
      await withExports(options, (store) => store.delete(name));
    });
};
