import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// CLI tests spawn `bin/meridian.js`, which loads the bundle: build it once before any test runs.
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}
