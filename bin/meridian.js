#!/usr/bin/env node
// Runs the bundle that `npm install` builds (the prepare script: scripts/build.mjs) through
// V8's code cache: the first run writes dist/meridian.cjs.cache, later runs skip compiling
// most of the bundle. A cache V8 rejects (another Node version) is rewritten; one that cannot
// be written (a read-only install) is simply not used.
import fs from 'node:fs';
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

// The AWS SDK warns on every run that its releases after January 2027 need Node 22; Meridian
// pins the SDK's major version, so that advice is not for Meridian's users. Set it to
// anything else to see the warning.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const file = fileURLToPath(new URL('../dist/meridian.cjs', import.meta.url));
const cacheFile = `${file}.cache`;
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), {
  filename: file,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const bundle = { exports: {} };
script.runInThisContext().call(bundle.exports, bundle.exports, createRequire(file), bundle, file, path.dirname(file));
process.exitCode = await bundle.exports.main(process.argv.slice(2));
if (cachedData === undefined || script.cachedDataRejected) {
  const tmp = `${cacheFile}.${process.pid}`;
  try {
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, cacheFile);
  } catch {
    // A read-only install: run without the cache (and leave no half-written copy behind).
    fs.rmSync(tmp, { force: true });
  }
}
