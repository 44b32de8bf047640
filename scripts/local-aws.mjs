// npm run local-aws -- [BUCKET...]: starts Meridian's local stand-ins for AWS on 127.0.0.1 —
// a CloudFormation endpoint, an S3 server holding BUCKET... and an SSM endpoint — prints the
// environment that points the AWS SDK at them and writes it to ./local-aws.env, then stays in
// the foreground until Ctrl-C. They are test doubles, not AWS: see test/helpers/aws/README.md.
// The stand-ins are TypeScript test helpers: esbuild bundles them to a temporary module under
// node_modules/.cache (so their packages resolve from node_modules) that is loaded and deleted.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const args = process.argv.slice(2);
if (args.some((arg) => arg.startsWith('-'))) {
  console.error('usage: npm run local-aws -- [BUCKET...]   (buckets the S3 stand-in holds; default meridian-artifacts)');
  process.exit(args.includes('--help') || args.includes('-h') ? 0 : 2);
}

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cache = path.join(root, 'node_modules', '.cache', 'meridian');
mkdirSync(cache, { recursive: true });
const bundle = path.join(cache, `local-aws-${process.pid}.mjs`);
await build({
  entryPoints: [path.join(root, 'test/helpers/aws/local-aws.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: bundle,
  logLevel: 'warning',
});
let standIns;
try {
  const { startLocalAws } = await import(pathToFileURL(bundle).href);
  standIns = await startLocalAws(args);
} finally {
  rmSync(bundle, { force: true });
}

const envFile = path.resolve('local-aws.env');
const exports = Object.entries(standIns.env).map(([name, value]) => `export ${name}=${value}`);
const envText = ['# Written by `npm run local-aws`: local stand-ins for AWS, not AWS. Removed when it stops.', ...exports, ''].join('\n');
writeFileSync(envFile, envText);
console.log(`Local stand-ins for AWS (test doubles, not AWS) on 127.0.0.1:
  CloudFormation  ${standIns.env.AWS_ENDPOINT_URL_CLOUDFORMATION}  records stacks and change sets per region; creates no resources
  S3              ${standIns.env.AWS_ENDPOINT_URL_S3}  buckets: ${standIns.buckets.join(', ')} (objects kept in a temp folder)
  SSM             ${standIns.env.AWS_ENDPOINT_URL_SSM}  Parameter Store in memory
In another terminal, from ${process.cwd()}:
  . ./local-aws.env
which runs
${exports.map((line) => `  ${line}`).join('\n')}
Stacks appear below as they change. Ctrl-C stops everything and forgets it all.`);

const seen = new Map();
const watch = setInterval(() => {
  for (const line of standIns.stacks()) {
    const [region, name, status] = line.split(' ');
    if (seen.get(`${region} ${name}`) === status) continue;
    seen.set(`${region} ${name}`, status);
    console.log(`  ${region.padEnd(15)} ${name.padEnd(24)} ${status}`);
  }
}, 250);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(watch);
  if (existsSync(envFile) && readFileSync(envFile, 'utf8') === envText) rmSync(envFile);
  await standIns.close();
  console.log('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
