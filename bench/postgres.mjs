// A throwaway PostgreSQL cluster for the benchmarks (the same steps as the tests' helper,
// test/helpers/postgres-cluster.ts): initdb and pg_ctl from /usr/lib/postgresql/*/bin, as the
// postgres user when run as root, in a temp folder, on a free loopback port.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './lib.mjs';

const BIN = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'].find((dir) => existsSync(path.join(dir, 'initdb')));

export function postgresUnavailable() {
  return BIN === undefined ? 'no PostgreSQL binaries under /usr/lib/postgresql/*/bin' : undefined;
}

export async function startPostgres(bench) {
  const root = mkdtempSync(path.join(tmpdir(), 'meridian-bench-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', root]);
  const as = (file, args) => execFileSync(asRoot ? 'runuser' : file, asRoot ? ['-u', 'postgres', '--', file, ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  const data = path.join(root, 'data');
  as(path.join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  as(path.join(BIN, 'pg_ctl'), ['-D', data, '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=200`, '-l', path.join(root, 'log'), '-w', 'start']);
  bench.atExit(() => {
    try {
      as(path.join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}
