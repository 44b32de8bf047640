import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { postgresBinDir, startCluster, type Cluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for the tests ('' when the machine has none). */
    postgresUrl: string;
  }
}

let cluster: Cluster | undefined;

// CLI tests spawn `bin/meridian.js`, which loads the bundle: build it once before any test
// runs. The PostgreSQL tests share one throwaway cluster; each makes its own database.
export default async function setup(project: TestProject): Promise<() => void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (postgresBinDir() !== undefined) cluster = await startCluster();
  project.provide('postgresUrl', cluster?.url ?? '');
  return () => cluster?.stop();
}
