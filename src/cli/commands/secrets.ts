/**
 * `meridian secrets put|get|list|delete`: the local secret store, printing what
 * `aws secretsmanager put-secret-value`, `get-secret-value`, `list-secrets` and
 * `delete-secret` print. A value given on the command line lands in shell history, so
 * `--value-file` (or `--value-file -` for stdin) is the recommended way.
 */
import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { MeridianError } from '../../domain/errors.js';
import { LocalSecretStore } from '../../stores/secrets/local-secret-store.js';
import type { CliIO } from '../io.js';
import { masterKeyFor, printJson, withStateDb } from '../state-db.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

interface StateOptions {
  stateDir?: string;
}

async function withSecrets<T>(options: StateOptions, fn: (store: LocalSecretStore) => Promise<T>): Promise<T> {
  const stateDir = resolveStateDir(options.stateDir);
  return withStateDb(stateDir, (db) => fn(new LocalSecretStore(db, masterKeyFor(stateDir))));
}

export const registerSecrets: RegisterCommand = (program: Command, io: CliIO) => {
  const secrets = program.command('secrets').description('encrypted, versioned values, addressed like Secrets Manager');

  secrets
    .command('put <id> [value]')
    .description('store a new version of a secret, labelled AWSCURRENT (the previous one becomes AWSPREVIOUS)')
    .option('--value-file <file>', 'read the value from a file, byte for byte ("-" reads stdin)')
    .option('--version-stage <label>', 'label the new version with this stage instead of AWSCURRENT')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (id: string, value: string | undefined, options: StateOptions & { valueFile?: string; versionStage?: string }) => {
      const text = await secretValue(value, options.valueFile);
      const input: Parameters<LocalSecretStore['put']>[0] = { secretId: id, value: text };
      if (options.versionStage !== undefined) input.stage = options.versionStage;
      const { versionId, stages } = await withSecrets(options, (store) => store.put(input));
      printJson(io, { Name: id, VersionId: versionId, VersionStages: stages });
    });

  secrets
    .command('get <reference>')
    .description('print a secret: secret-id[:json-key[:version-stage[:version-id]]]')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (reference: string, options: StateOptions) => {
      const version = await withSecrets(options, (store) => store.describe(reference));
      printJson(io, {
        Name: version.secretId,
        VersionId: version.versionId,
        SecretString: version.value,
        VersionStages: version.stages,
        CreatedDate: version.createdDate,
      });
    });

  secrets
    .command('list')
    .description('list secrets and their labelled versions (not their values)')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (options: StateOptions) => {
      const list = await withSecrets(options, (store) => store.list());
      printJson(io, {
        SecretList: list.map((s) => ({ Name: s.secretId, LastChangedDate: s.lastChangedDate, SecretVersionsToStages: s.versionsToStages })),
      });
    });

  secrets
    .command('delete <id>')
    .description('delete a secret and every version of it, at once')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (id: string, options: StateOptions) => {
      await withSecrets(options, (store) => store.delete(id));
      printJson(io, { Name: id });
    });
};

async function secretValue(value: string | undefined, file: string | undefined): Promise<string> {
  if ((value === undefined) === (file === undefined)) {
    throw new MeridianError('BAD_INPUT', 'give the secret as VALUE or with --value-file FILE (one of them; --value-file keeps it out of shell history)');
  }
  if (file === undefined) return value ?? '';
  try {
    return file === '-' ? await readStdin() : await fs.readFile(file, 'utf8');
  } catch (cause) {
    throw new MeridianError('BAD_INPUT', `cannot read --value-file ${file}: ${(cause as Error).message}`, { cause });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
