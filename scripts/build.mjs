// Bundles the CLI into one CommonJS file (dist/meridian.cjs). Loading one file instead of
// hundreds of modules takes about half a second off every `meridian` command, and as a
// classic script it can use V8's code cache (see bin/meridian.js). better-sqlite3 stays
// outside: it loads a native addon.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const result = await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'dist/meridian.cjs',
  external: ['better-sqlite3'],
  // The sources are ES modules; in the bundle, import.meta.url is the bundle's own URL.
  define: { 'import.meta.url': '__meridianBundleUrl' },
  banner: { js: "const __meridianBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  write: false,
});
// Replace each output in one rename, so a `meridian` started meanwhile reads the old or the new file, never half.
for (const output of result.outputFiles) {
  mkdirSync(path.dirname(output.path), { recursive: true });
  const tmp = `${output.path}.${process.pid}.tmp`;
  writeFileSync(tmp, output.contents);
  renameSync(tmp, output.path);
}

// Warm V8's code cache with a command that compiles the definition code, the largest part.
spawnSync(process.execPath, ['bin/meridian.js', 'validate', '-f', 'examples/service-x/meridian.yaml'], { stdio: 'ignore' });
