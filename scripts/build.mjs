// Bundles the CLI into one file (dist/meridian.js). Loading one file instead of hundreds of
// modules takes about half a second off every `meridian` command. better-sqlite3 stays
// outside: it loads a native addon.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: 'dist/meridian.js',
  external: ['better-sqlite3'],
  // Bundled CommonJS dependencies call require(); give them one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
