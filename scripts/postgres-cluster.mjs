// A throwaway PostgreSQL cluster, for the tests (test/helpers/global-setup.ts) and the
// benchmarks (bench/postgres.mjs): `initdb` and `pg_ctl` from the machine's PostgreSQL
// (Debian's /usr/lib/postgresql/15/bin), run as the `postgres` user when run as root, in a
// temp folder, on a free loopback port. Plain JavaScript so that `node bench/run.mjs` can
// load it; its types are in postgres-cluster.d.mts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'];

export function postgresBinDir() {
  return BIN_DIRS.find((dir) => fs.existsSync(path.join(dir, 'initdb')));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** `settings`: extra `-c name=value` server settings (the tests turn durability off; the benchmarks keep it). */
export async function startCluster({ prefix = 'meridian-pg-', settings = {} } = {}) {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin; install postgresql-15 (.ci/run does)');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const data = path.join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', root]);
  const as = (file, args) => {
    const command = asRoot ? 'runuser' : file;
    const fullArgs = asRoot ? ['-u', 'postgres', '--', file, ...args] : args;
    execFileSync(command, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  };
  as(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const extra = Object.entries({ ...settings, max_connections: '200' })
    .map(([name, value]) => ` -c ${name}=${value}`)
    .join('');
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1${extra}`;
  as(path.join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', path.join(root, 'log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
