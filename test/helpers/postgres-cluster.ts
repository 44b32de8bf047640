/**
 * The tests' throwaway PostgreSQL cluster (scripts/postgres-cluster.mjs, shared with the
 * benchmarks), started once by the global setup; each test file makes its own database in
 * it. Durability is off: a test's data need not survive a crash of the machine.
 */
import { startCluster as start, type Cluster } from '../../scripts/postgres-cluster.mjs';

export { postgresBinDir, type Cluster } from '../../scripts/postgres-cluster.mjs';

export function startCluster(): Promise<Cluster> {
  return start({ settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
}
