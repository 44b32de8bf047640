import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

// CLI tests spawn the compiled `bin/meridian.js`, so compile once before any test runs.
// Type errors do not stop the emit; `npm run typecheck` is where they fail the build.
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (!fs.existsSync(`${root}/dist/cli/main.js`)) {
    throw new Error(`compiling Meridian failed:\n${result.stdout}${result.stderr}`);
  }
}
