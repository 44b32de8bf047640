import type { Command } from 'commander';
import { MeridianError } from '../../domain/errors.js';
import { isRole, ROLES, TokenStore } from '../../stores/tokens/token-store.js';
import { openMeridian } from '../open-meridian.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

export const registerTokens: RegisterCommand = (program: Command, io) => {
  const tokens = program.command('tokens').description('API tokens for `meridian serve` (only their hashes are stored)');
  const withStore = async <T>(stateDir: string | undefined, work: (store: TokenStore, now: string) => Promise<T>): Promise<T> => {
    const meridian = await openMeridian(resolveStateDir(stateDir));
    try {
      return await work(new TokenStore(meridian.db), meridian.clock.now().toISOString());
    } finally {
      await meridian.close();
    }
  };

  tokens
    .command('create')
    .description('make a token and print it, once')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'who or what uses it, e.g. ci-bot')
    .option('--region <region>', 'with --role agent: the one region whose jobs, artifacts, parameters and secrets the agent gets')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option('--json', 'print the token and its details as JSON')
    .action(async (options: { role: string; name: string; region?: string; stateDir?: string; json?: boolean }) => {
      if (!isRole(options.role)) throw new MeridianError('BAD_INPUT', `--role ${options.role}: use ${ROLES.join(', ')}`);
      const role = options.role;
      const created = await withStore(options.stateDir, (store, now) => store.create(options.name, role, now, options.region ?? null));
      if (options.json) io.out(`${JSON.stringify(created, null, 2)}\n`);
      else io.out(`${created.token}\n`);
      const scope = created.region === null ? created.role : `${created.role} in ${created.region}`;
      if (!options.json) io.err(`Token ${created.name} (${scope}, id ${created.id}) made. It is shown only now; keep it somewhere safe.\n`);
    });

  tokens
    .command('list')
    .description('list tokens (never their values)')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option('--json', 'print JSON')
    .action(async (options: { stateDir?: string; json?: boolean }) => {
      const list = await withStore(options.stateDir, (store) => store.list());
      if (options.json) {
        io.out(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      for (const token of list) {
        const region = token.region === null ? '' : `  region ${token.region}`;
        io.out(
          `${token.id}  ${token.name.padEnd(20)} ${token.role.padEnd(8)} ${token.createdAt}${region}${token.revokedAt ? `  revoked ${token.revokedAt}` : ''}\n`,
        );
      }
    });

  tokens
    .command('revoke <token>')
    .description('revoke a token by id or name')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .action(async (idOrName: string, options: { stateDir?: string }) => {
      const revoked = await withStore(options.stateDir, (store, now) => store.revoke(idOrName, now));
      io.out(`Revoked ${revoked.name} (${revoked.id}).\n`);
    });
};
