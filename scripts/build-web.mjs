// Builds the dashboard (web/) into dist/web/ with Vite, then writes a .br and a .gz copy of
// every text file next to it, which `meridian serve` sends to browsers that accept them
// (@fastify/static's preCompressed). Prints the JavaScript a first load fetches, compressed.
// The build goes to a temporary folder and is swapped in with renames, so a server reading
// dist/web meanwhile sees the old files or the new ones.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = path.join(root, 'dist', 'web');
const staging = path.join(root, 'dist', `web.${process.pid}.tmp`);

// A production build whatever the caller's NODE_ENV (vitest sets it to `test`, which would
// bundle React's development build, twice the size).
process.env.NODE_ENV = 'production';
await build({ configFile: path.join(root, 'web', 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });

const files = walk(staging);
for (const file of files.filter((f) => /\.(js|css|html|svg|json|txt)$/.test(f))) {
  const bytes = readFileSync(file);
  writeFileSync(
    `${file}.br`,
    brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
  );
  writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
}

const old = `${target}.${process.pid}.old`;
if (existsSync(target)) renameSync(target, old);
renameSync(staging, target);
rmSync(old, { recursive: true, force: true });

const scripts = walk(target).filter((f) => f.endsWith('.js'));
const size = (f) => statSync(f).size;
const total = (suffix) => scripts.reduce((sum, f) => sum + size(`${f}${suffix}`), 0);
console.log(`dashboard built into dist/web: ${scripts.length} JavaScript file(s), ${kb(total(''))} raw, ${kb(total('.gz'))} gzip, ${kb(total('.br'))} brotli`);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
