// What the benchmark modules share: running the compiled CLI, timing commands, temp files,
// and the numbers' formatting. A benchmark gets a `bench` object from run.mjs:
//   { work, repo, runs, rows, notes, atExit(fn) }
// (its temp folder, the default git source, how many runs, the table rows and notes it
// adds to, and a way to undo what it started should the run stop half-way).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = path.join(ROOT, 'bin', 'meridian.js');
export const MB = 1024 * 1024;
export const REGIONS = { 'eu-west-1': 'Europe/Dublin', 'us-east-1': 'America/New_York', 'ap-southeast-2': 'Australia/Sydney' };

// ---------------------------------------------------------------- running things

export async function runMeridian(bench, file, stateDir, { rss = false, source = bench.repo } = {}) {
  const args = [CLI, 'run', '-f', file, '--source', `src=${source}`, '--state-dir', stateDir, '--json'];
  const useTime = rss && existsSync('/usr/bin/time');
  const rssFile = path.join(bench.work, 'rss.txt');
  const command = useTime ? '/usr/bin/time' : process.execPath;
  const argv = useTime ? ['-f', '%M', '-o', rssFile, process.execPath, ...args] : args;
  const start = performance.now();
  const child = spawn(command, argv, { env: benchEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const poll = rss && !useTime ? pollPeakRss(child.pid) : undefined;
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const status = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? signal));
  }).catch((error) => fail(`cannot start meridian: ${error.message}`));
  const ms = performance.now() - start;
  poll?.stop();
  if (status !== 0) {
    process.stderr.write(stderr);
    if (stdout) process.stderr.write(`\nstdout:\n${stdout.slice(0, 4000)}\n`);
    fail(`\`meridian run -f ${file}\` exited with ${status}`);
  }
  let summary;
  try {
    summary = JSON.parse(stdout);
  } catch {
    fail(`meridian run --json printed something that is not JSON:\n${stdout.slice(0, 2000)}`);
  }
  if (summary.status !== 'Succeeded') fail(`execution ${summary.executionId} ended ${summary.status}`);
  let rssKb;
  if (useTime) rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
  else if (poll) rssKb = poll.peakKb();
  return { ms, summary, rssKb: Number.isFinite(rssKb) && rssKb > 0 ? rssKb : undefined };
}

/** Without /usr/bin/time: the VmHWM (peak RSS) the kernel keeps for the process, read every 20 ms. */
function pollPeakRss(pid) {
  let peak = 0;
  const read = () => {
    try {
      const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peak = Math.max(peak, Number(match[1]));
    } catch {
      // The process has ended.
    }
  };
  const timer = setInterval(read, 20);
  return { stop: () => clearInterval(timer), peakKb: () => peak };
}

/** Our environment without npm's run-script variables, which an action's shell need not see. */
export function benchEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));
}

export function timeCommand(command, args, { env } = {}) {
  const start = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env });
  const ms = performance.now() - start;
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

export function expectActions(summary, count) {
  const actions = summary.stages.flatMap((stage) => stage.actions);
  const succeeded = actions.filter((action) => action.status === 'Succeeded').length;
  if (actions.length !== count || succeeded !== count) fail(`expected ${count} actions to succeed, got ${succeeded} of ${actions.length}`);
}

/** From the first start to the last end of the stage's actions (optionally only those `pick` keeps). */
export function stageSpanMs(summary, stageName, pick = () => true) {
  const stage = summary.stages.find((s) => s.name === stageName);
  if (!stage) fail(`execution has no stage ${stageName}`);
  const actions = stage.actions.filter(pick);
  const starts = actions.map((a) => Date.parse(a.startedAt));
  const ends = actions.map((a) => Date.parse(a.endedAt));
  return Math.max(...ends) - Math.min(...starts);
}

export function actionLog(executionId, stateDir, action) {
  const args = [CLI, 'logs', executionId, ...(action === undefined ? [] : [action]), '--state-dir', stateDir];
  const logs = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * MB });
  if (logs.status !== 0) fail(`meridian logs ${executionId} ${action ?? ''} exited ${logs.status}:\n${logs.stderr}`);
  return logs.stdout;
}

// ---------------------------------------------------------------- files and folders

export function makeSourceRepo(dir, files = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'README.md'), '# bench source\n');
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
  };
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '.'],
    ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'bench'],
  ]) {
    const result = spawnSync('git', ['-C', dir, ...args], { env, encoding: 'utf8' });
    if (result.status !== 0) fail(`git ${args.join(' ')} failed: ${result.stderr}`);
  }
  return dir;
}

export function regionsBlock() {
  return Object.fromEntries(Object.entries(REGIONS).map(([name, timezone]) => [name, { timezone }]));
}

export function writeDefinition(bench, name, definition) {
  const file = path.join(bench.work, name);
  writeFileSync(file, YAML.stringify(definition, { lineWidth: 0 }));
  return file;
}

export function freshStateDir(bench, key, run) {
  const dir = path.join(bench.work, `state-${key}-${run}`);
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

export function writeRandomFile(file, bytes) {
  const result = spawnSync('head', ['-c', String(bytes), '/dev/urandom'], { maxBuffer: bytes + MB });
  if (result.status !== 0) fail('cannot read /dev/urandom');
  writeFileSync(file, result.stdout);
}

export function folderBytes(dir) {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return total;
}

/** A loopback port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- small helpers

export function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function fmt(n) {
  return n >= 100 ? String(Math.round(n)) : n.toFixed(1);
}

export function firstLine(text) {
  return (text ?? '').trim().split('\n')[0] ?? '';
}

export function shellQuote(text) {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function log(message) {
  process.stderr.write(`${message}\n`);
}

export function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}
