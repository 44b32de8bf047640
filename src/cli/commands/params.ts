/**
 * `meridian params put|get|list|history|delete`: the local parameter store, with the
 * arguments and JSON output of `aws ssm put-parameter`, `get-parameter`,
 * `get-parameters-by-path`/`describe-parameters`, `get-parameter-history` and `delete-parameter`.
 */
import { Option, type Command } from 'commander';
import type { ParameterStore } from '../../stores/parameters/parameter-store.js';
import { chooseParameterStore } from '../../stores/parameters/parameter-store-choice.js';
import { parameterStoreFromEnv, ssmEndpointFromEnv } from '../environment.js';
import { PARAMETER_TYPES, type Parameter, type ParameterSummary, type ParameterType } from '../../stores/parameters/parameter-store.js';
import type { CliIO } from '../io.js';
import { masterKeyFor, printJson, withStateDb } from '../state-db.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

interface StateOptions {
  stateDir?: string;
}

async function withParameters<T>(options: StateOptions, fn: (store: ParameterStore) => Promise<T>): Promise<T> {
  const stateDir = resolveStateDir(options.stateDir);
  return withStateDb(stateDir, (db) =>
    fn(chooseParameterStore(db, () => masterKeyFor(stateDir), { store: parameterStoreFromEnv(), ssmEndpoint: ssmEndpointFromEnv() })),
  );
}

export const registerParams: RegisterCommand = (program: Command, io: CliIO) => {
  const params = program.command('params').description('parameters: hierarchical, versioned values, like SSM Parameter Store');

  params
    .command('put <name> <value>')
    .description('create a parameter, or a new version of it with --overwrite')
    .addOption(new Option('--type <type>', 'the parameter type').choices(PARAMETER_TYPES).default('String'))
    .option('--overwrite', 'replace the value of an existing parameter (makes a new version)')
    .option('--description <text>', 'what the parameter is for')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (name: string, value: string, options: StateOptions & { type: ParameterType; overwrite?: boolean; description?: string }) => {
      const input: Parameters<ParameterStore['put']>[0] = { name, value, type: options.type, overwrite: options.overwrite === true };
      if (options.description !== undefined) input.description = options.description;
      const { version } = await withParameters(options, (store) => store.put(input));
      printJson(io, { Version: version, Tier: 'Standard' });
    });

  params
    .command('get <name>')
    .description('print a parameter; NAME:VERSION reads an older version')
    .option('--with-decryption', 'print the value of a SecureString instead of its encrypted form')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (name: string, options: StateOptions & { withDecryption?: boolean }) => {
      const parameter = await withParameters(options, (store) => store.get(name, { withDecryption: options.withDecryption === true }));
      printJson(io, { Parameter: withValue(parameter) });
    });

  params
    .command('list')
    .description('list parameters (names and versions, not values)')
    .option('--path <path>', 'only parameters under this path, e.g. /Environment/EU')
    .option('--recursive', 'with --path: every level below it, not only the next one')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (options: StateOptions & { path?: string; recursive?: boolean }) => {
      const list: Parameters<ParameterStore['list']>[0] = { recursive: options.recursive === true };
      if (options.path !== undefined) list.path = options.path;
      const parameters = await withParameters(options, (store) => store.list(list));
      printJson(io, { Parameters: parameters.map(describe) });
    });

  params
    .command('history <name>')
    .description('print every kept version of a parameter, oldest first')
    .option('--with-decryption', 'print the values of SecureString versions')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (name: string, options: StateOptions & { withDecryption?: boolean }) => {
      const versions = await withParameters(options, (store) => store.history(name, { withDecryption: options.withDecryption === true }));
      printJson(io, { Parameters: versions.map(withValue) });
    });

  params
    .command('delete <name>')
    .description('delete a parameter and all its versions')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (name: string, options: StateOptions) => {
      await withParameters(options, (store) => store.delete(name));
    });
};

function describe(parameter: ParameterSummary): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Name: parameter.name,
    Type: parameter.type,
    Version: parameter.version,
    LastModifiedDate: parameter.lastModifiedDate,
  };
  if (parameter.description !== undefined) out['Description'] = parameter.description;
  return out;
}

function withValue(parameter: Parameter): Record<string, unknown> {
  const { Name, Type, ...rest } = describe(parameter);
  return { Name, Type, Value: parameter.value, ...rest };
}
