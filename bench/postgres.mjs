// A throwaway PostgreSQL cluster for the benchmarks: the tests' (scripts/postgres-cluster.mjs),
// with PostgreSQL's default durability, so the numbers are those of a real server.
import { postgresBinDir, startCluster } from '../scripts/postgres-cluster.mjs';

export function postgresUnavailable() {
  return postgresBinDir() === undefined ? 'no PostgreSQL binaries under /usr/lib/postgresql/*/bin' : undefined;
}

export async function startPostgres(bench) {
  const cluster = await startCluster({ prefix: 'meridian-bench-pg-' });
  bench.atExit(cluster.stop);
  return cluster.url;
}
