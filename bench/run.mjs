#!/usr/bin/env node
// Meridian's benchmarks, against the compiled CLI (bin/meridian.js; `npm run build` first).
//
//   npm run bench [-- --runs N] [-- --only a,b,c,d,e,f,g,h,i,j] [-- --keep]
//
// (a) the example's shape: 1 source, 1 build, 9 deploy actions in 3 runOrders of 3, all
//     no-op Commands, against a bash script running the same 11 no-ops in the same waves;
// (b) 200 no-op actions in waves of 20, against bash the same; per-action overhead and peak
//     RSS of the meridian process;
// (c) a 100 MB artifact replicated to three regions' stores, against `cp` of the same file
//     three times; then a second execution of the same content, which should copy nothing;
// (d) a buildspec of 200 trivial commands against the same commands in one bash script;
// (e) restoring a build cache of 20,000 small files against `cp -a`;
// (f) and (g), in release.mjs: the example's release deploy to three local regions against
//     the same steps in bash, and a 50 MB release uploaded over SSH against `scp -r`;
// (h) and (i), in webhooks.mjs: a webhook delivery to the first action started (p50, p99)
//     against a bare HMAC-checking server, and 500 signed deliveries in 10 s accounted for;
// (j), in dispatch.mjs: no-op action dispatch on SQLite and on PostgreSQL with 1, 2 and 4
//     remote agents, beside graphile-worker's jobs/s on the same PostgreSQL server.
//
// Each run gets a fresh --state-dir; the source is a fresh git repository in a temp folder.
// Prints a Markdown table and writes it to bench/results.md. Shared helpers are in lib.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import {
  actionLog,
  CLI,
  expectActions,
  fail,
  firstLine,
  fmt,
  folderBytes,
  freshStateDir,
  log,
  MB,
  makeSourceRepo,
  median,
  REGIONS,
  regionsBlock,
  ROOT,
  runMeridian,
  shellQuote,
  stageSpanMs,
  timeCommand,
  writeDefinition,
  writeRandomFile,
} from './lib.mjs';
import { benchReleaseDeploy, benchSshUpload } from './release.mjs';
import { benchDispatch } from './dispatch.mjs';
import { benchWebhookFlood, benchWebhookLatency } from './webhooks.mjs';

const RESULTS = path.join(ROOT, 'bench', 'results.md');
/** Starts the line of bench/results.md naming the run that measured rows this run left out. */
const EARLIER = 'Kept from an earlier run, as `--only` left them out:';
const BIG_MB = 100;
const BENCHES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

const options = parseArgs(process.argv.slice(2));
// (d) and (e): a buildspec of 200 commands; a cache of 200 folders × 100 files.
const BUILD_COMMANDS = 200;
const CACHE_DIRS = 200;
const CACHE_FILES_PER_DIR = 100;
if (!existsSync(path.join(ROOT, 'dist', 'meridian.cjs'))) fail('dist/meridian.cjs is missing: run `npm run build` (or `npm install`) first');

const work = mkdtempSync(path.join(tmpdir(), 'meridian-bench-'));
// Undone last first when the process exits, however it exits (services, an sshd).
const undo = [];
process.on('exit', () => {
  for (const fn of undo.reverse()) fn();
  if (!options.keep) rmSync(work, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const loadNow = () => loadavg()[0].toFixed(1);
// Other work on the machine skews every number here: the report says how busy it was.
const loadStart = loadNow();
const repo = makeSourceRepo(path.join(work, 'repo'));
const rows = [];
const notes = [];
const bench = { work, repo, runs: options.runs, rows, notes, atExit: (fn) => undo.push(fn) };
log(`work folder ${work}; ${options.runs} run(s) each; node ${process.version}; ${cpus().length} cores, ${Math.round(totalmem() / 1024 ** 3)} GiB`);
if (options.only.has('a')) await benchShape();
if (options.only.has('b')) await benchManyActions();
if (options.only.has('c')) await benchReplication();
if (options.only.has('d')) await benchBuildspecCommands();
if (options.only.has('e')) await benchCacheRestore();
if (options.only.has('f')) await benchReleaseDeploy(bench);
if (options.only.has('g')) await benchSshUpload(bench);
// 200 deliveries are already 200 samples: one run; the flood is one run by its nature.
if (options.only.has('h')) rows.push(...(await benchWebhookLatency({ runs: 1, log })));
if (options.only.has('i')) rows.push(...(await benchWebhookFlood({ log })));
if (options.only.has('j')) await benchDispatch(bench);
report();

// ---------------------------------------------------------------- (a) the example's shape

async function benchShape() {
  log('(a) example shape: 1 source + 1 build + 9 deploy actions in 3 runOrders');
  const file = writeDefinition(bench, 'shape.yaml', shapeDefinition());
  const waves = [1, 1, 3, 3, 3];
  const script = writeBashWaves('shape.sh', waves);
  const meridian = [];
  const bash = [];
  for (let i = 0; i < options.runs; i++) {
    const run = await runMeridian(bench, file, freshStateDir(bench, 'a', i));
    expectActions(run.summary, 11);
    meridian.push(run.ms);
    bash.push(timeCommand('bash', [script]));
    log(`  run ${i + 1}: meridian ${fmt(run.ms)} ms, bash ${fmt(bash.at(-1))} ms`);
  }
  const m = median(meridian);
  const b = median(bash);
  const target = 1.5 * b + 300;
  rows.push({
    name: '(a) example shape, 11 no-op actions',
    meridian: `${fmt(m)} ms`,
    baseline: `${fmt(b)} ms (bash & + wait)`,
    metric: `ratio ${(m / b).toFixed(1)}×`,
    target: `≤ 1.5 × bash + 300 ms = ${fmt(target)} ms`,
    pass: m <= target,
  });
}

function shapeDefinition() {
  const noop = (name, runOrder) => ({ name, runOrder, uses: 'commands', inputs: ['src'], commands: ['true'] });
  return {
    pipeline: 'bench-shape',
    regions: regionsBlock(),
    sources: { src: { git: repo } },
    stages: [
      { name: 'Build', actions: [{ name: 'build', uses: 'commands', inputs: ['src'], commands: ['true'] }] },
      {
        name: 'Deploy',
        forEach: 'region',
        actions: [noop('${region}-infrastructure', 1), noop('${region}-prepare', 2), noop('${region}-activate', 3)],
      },
    ],
  };
}

/** A bash script that runs `waves[i]` no-ops in parallel per wave, one bash each as Meridian does. */
function writeBashWaves(name, waves) {
  const lines = ['set -e'];
  for (const size of waves) lines.push(`${Array(size).fill("bash --noprofile --norc -c 'true' &").join(' ')} wait`);
  const file = path.join(work, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

// ---------------------------------------------------------------- (b) 200 actions

async function benchManyActions() {
  log('(b) 200 no-op actions in waves of 20');
  const { file, layout } = manyActionsDefinition();
  notes.push(`(b) layout: ${layout}.`);
  const script = writeBashWaves('many.sh', [1, ...Array(10).fill(20)]);
  const meridian = [];
  const bash = [];
  const rss = [];
  for (let i = 0; i < options.runs; i++) {
    const run = await runMeridian(bench, file, freshStateDir(bench, 'b', i), { rss: true });
    expectActions(run.summary, 201);
    meridian.push(run.ms);
    if (run.rssKb !== undefined) rss.push(run.rssKb);
    bash.push(timeCommand('bash', [script]));
    log(`  run ${i + 1}: meridian ${fmt(run.ms)} ms, bash ${fmt(bash.at(-1))} ms, peak RSS ${run.rssKb === undefined ? '?' : fmt(run.rssKb / 1024)} MB`);
  }
  const m = median(meridian);
  const b = median(bash);
  const perAction = (m - b) / 200;
  rows.push({
    name: '(b) 200 no-op actions, waves of 20',
    meridian: `${fmt(m)} ms`,
    baseline: `${fmt(b)} ms (bash & + wait)`,
    metric: `${perAction.toFixed(2)} ms per action`,
    target: '≤ 5 ms per action',
    pass: perAction <= 5,
  });
  const peakMb = rss.length > 0 ? Math.max(...rss) / 1024 : undefined;
  rows.push({
    name: '(b) peak RSS of `meridian run`',
    meridian: peakMb === undefined ? 'n/a' : `${fmt(peakMb)} MB`,
    baseline: '',
    metric: rss.length > 0 ? `median ${fmt(median(rss) / 1024)} MB` : 'not measured',
    target: '≤ 150 MB',
    pass: peakMb === undefined ? undefined : peakMb <= 150,
  });
}

/**
 * The brief's shape is one stage of 10 runOrders × 20 actions. CodePipeline allows 50
 * actions per stage; should Meridian enforce that, the same 10 waves of 20 are spread over
 * 5 stages of 2 runOrders each (still 40 actions a stage).
 */
function manyActionsDefinition() {
  const noop = (name, runOrder) => ({ name, runOrder, uses: 'commands', inputs: ['src'], commands: ['true'] });
  const wave = (order, prefix, runOrder = order) => Array.from({ length: 20 }, (_, i) => noop(`${prefix}${order}-${i + 1}`, runOrder));
  const base = { pipeline: 'bench-many', regions: regionsBlock(), sources: { src: { git: repo } } };
  const oneStage = writeDefinition(bench, 'many-one-stage.yaml', {
    ...base,
    stages: [{ name: 'Work', actions: Array.from({ length: 10 }, (_, w) => wave(w + 1, 'a')).flat() }],
  });
  const check = spawnSync(process.execPath, [CLI, 'validate', '-f', oneStage], { encoding: 'utf8' });
  if (check.status === 0) return { file: oneStage, layout: 'one stage, 10 runOrders × 20 actions' };
  notes.push(`(b) \`meridian validate\` refused one stage of 200 actions: ${firstLine(check.stderr)}`);
  const stages = Array.from({ length: 5 }, (_, s) => ({
    name: `Work${s + 1}`,
    actions: [...wave(2 * s + 1, 'a', 1), ...wave(2 * s + 2, 'a', 2)],
  }));
  return { file: writeDefinition(bench, 'many-five-stages.yaml', { ...base, stages }), layout: '5 stages × 2 runOrders × 20 actions (10 waves of 20)' };
}

// ---------------------------------------------------------------- (c) replication

async function benchReplication() {
  log(`(c) a ${BIG_MB} MB artifact replicated to three regions`);
  const big = path.join(work, 'big.bin');
  writeRandomFile(big, BIG_MB * MB);
  const file = writeDefinition(bench, 'replicate.yaml', replicationDefinition(big));
  const firstSpans = [];
  const secondSpans = [];
  const firstBytes = [];
  const copyTimes = [];
  const secondBytes = [];
  const secondGrowth = [];
  const cpTimes = [];
  for (let i = 0; i < options.runs; i++) {
    const stateDir = freshStateDir(bench, 'c', i);
    const first = await runMeridian(bench, file, stateDir);
    expectActions(first.summary, 5);
    const copied = replicatedBytes(first.summary.executionId, stateDir, 'big');
    firstBytes.push(copied.bytes);
    copyTimes.push(copied.ms);
    firstSpans.push(stageSpanMs(first.summary, 'Deploy'));

    const before = folderBytes(path.join(stateDir, 'stores'));
    const second = await runMeridian(bench, file, stateDir);
    expectActions(second.summary, 5);
    secondBytes.push(replicatedBytes(second.summary.executionId, stateDir, 'big').bytes);
    secondGrowth.push(folderBytes(path.join(stateDir, 'stores')) - before);
    secondSpans.push(stageSpanMs(second.summary, 'Deploy'));
    rmSync(stateDir, { recursive: true, force: true });

    cpTimes.push(timeCopies(big, 3));
    log(
      `  run ${i + 1}: ${copied.count} copies (${fmt(copied.bytes / MB)} MB) took ${copied.ms} ms in all (Deploy stage ${fmt(firstSpans.at(-1))} ms); second execution copied ${secondBytes.at(-1)} B; cp ×3 ${fmt(cpTimes.at(-1))} ms`,
    );
  }
  const spanMs = median(firstSpans);
  const bytes = median(firstBytes);
  // Each copy's own time, as the agent logs it (`Replicated … in N ms`), summed over the three regions.
  const copyMs = median(copyTimes);
  const meridianRate = bytes / MB / (copyMs / 1000);
  const cpMs = median(cpTimes);
  const cpRate = (3 * BIG_MB) / (cpMs / 1000);
  const ratio = meridianRate / cpRate;
  rows.push({
    name: `(c) replicate ${BIG_MB} MB to 3 region stores`,
    meridian: `${fmt(copyMs)} ms, ${fmt(meridianRate)} MB/s`,
    baseline: `${fmt(cpMs)} ms, ${fmt(cpRate)} MB/s (cp ×3)`,
    metric: `${Math.round(ratio * 100)} % of cp`,
    target: '≥ 50 % of cp',
    pass: ratio >= 0.5,
  });
  const worstSecond = Math.max(...secondBytes);
  rows.push({
    name: '(c) second execution, same content',
    meridian: `${worstSecond} B replicated`,
    baseline: '',
    metric: `store growth ${Math.max(...secondGrowth)} B`,
    target: '0 B copied',
    pass: worstSecond === 0,
  });
  notes.push(
    `(c) Meridian's time is the sum of the three copies as the agent logs them (\`Replicated NAME (…) from A to B in N ms\`), ${fmt(bytes / MB)} MB per execution; ` +
      `the whole Deploy stage, which also unpacks the artifact in each action, took ${fmt(spanMs)} ms (${fmt(median(secondSpans))} ms in the second execution, with nothing to copy).`,
  );
}

function replicationDefinition(big) {
  // The build runs in a fourth region, so that each of the three consumers needs a copy.
  return {
    pipeline: 'bench-replicate',
    home: 'us-west-2',
    regions: { 'us-west-2': { timezone: 'America/Los_Angeles' }, ...regionsBlock() },
    sources: { src: { git: repo } },
    stages: [
      {
        name: 'Build',
        // cp -p keeps the mtime, so the second execution's artifact has the same content.
        actions: [
          { name: 'build', uses: 'commands', inputs: ['src'], outputs: ['big'], commands: [`cp -p ${shellQuote(big)} big.bin`], with: { files: ['big.bin'] } },
        ],
      },
      {
        name: 'Deploy',
        forEach: Object.keys(REGIONS),
        actions: [{ name: '${region}-consume', uses: 'commands', inputs: ['big'], commands: ['test -s big.bin'] }],
      },
    ],
  };
}

/** Bytes that `Replicated NAME (digest, size) from A to B` log lines report for one artifact. */
function replicatedBytes(executionId, stateDir, artifact) {
  const text = actionLog(executionId, stateDir);
  const units = { B: 1, KB: 1024, MB };
  let bytes = 0;
  let count = 0;
  let ms = 0;
  for (const match of text.matchAll(/^Replicated (\S+) \([0-9a-f]+, ([\d.]+) (B|KB|MB)\) from \S+ to \S+ in (\d+) ms/gm)) {
    if (match[1] !== artifact) continue;
    bytes += Number(match[2]) * units[match[3]];
    ms += Number(match[4]);
    count++;
  }
  return { bytes: Math.round(bytes), count, ms };
}

function timeCopies(file, times) {
  const dir = path.join(work, 'cp');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const start = performance.now();
  for (let i = 0; i < times; i++) {
    const result = spawnSync('cp', [file, path.join(dir, `copy-${i}`)]);
    if (result.status !== 0) fail(`cp failed: ${result.stderr}`);
  }
  const ms = performance.now() - start;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

// ---------------------------------------------------------------- (d) a buildspec of 200 commands

async function benchBuildspecCommands() {
  log(`(d) a buildspec of ${BUILD_COMMANDS} trivial commands against the same commands in one bash script`);
  const commands = Array.from({ length: BUILD_COMMANDS }, (_, i) => `n=$((${i} + 1))`);
  const buildRepo = makeSourceRepo(path.join(work, 'repo-d'), {
    'buildspec.yml': YAML.stringify({ version: 0.2, phases: { build: { commands } } }),
  });
  const script = path.join(work, 'commands.sh');
  writeFileSync(script, `${commands.join('\n')}\n`);
  const file = writeDefinition(bench, 'buildspec-commands.yaml', {
    pipeline: 'bench-buildspec',
    sources: { src: { git: buildRepo, branch: 'main' } },
    stages: [{ name: 'Build', actions: [{ name: 'build', uses: 'codebuild', inputs: ['src'], with: { buildspec: 'buildspec.yml' } }] }],
  });
  const phaseTimes = [];
  const actionTimes = [];
  const bashTimes = [];
  for (let i = 0; i < options.runs; i++) {
    const stateDir = freshStateDir(bench, 'd', i);
    const { summary } = await runMeridian(bench, file, stateDir, { source: buildRepo });
    expectActions(summary, 2);
    const logText = actionLog(summary.executionId, stateDir, 'build');
    const phase = /Phase complete: BUILD State: SUCCEEDED \(([\d.]+) seconds\)/.exec(logText);
    if (!phase) fail(`no BUILD phase line in the build's log:\n${logText.slice(0, 2000)}`);
    phaseTimes.push(Number(phase[1]) * 1000);
    actionTimes.push(stageSpanMs(summary, 'Build'));
    bashTimes.push(timeCommand('bash', ['--noprofile', '--norc', script]));
    rmSync(stateDir, { recursive: true, force: true });
    log(`  run ${i + 1}: BUILD phase ${fmt(phaseTimes.at(-1))} ms (whole action ${fmt(actionTimes.at(-1))} ms), bash ${fmt(bashTimes.at(-1))} ms`);
  }
  const phaseMs = median(phaseTimes);
  const bashMs = median(bashTimes);
  rows.push({
    name: `(d) buildspec, ${BUILD_COMMANDS} trivial commands`,
    meridian: `${fmt(phaseMs)} ms (BUILD phase)`,
    baseline: `${fmt(bashMs)} ms (one bash script)`,
    metric: `ratio ${(phaseMs / bashMs).toFixed(2)}×`,
    target: '≤ 1.2 × bash',
    pass: phaseMs <= 1.2 * bashMs,
  });
  notes.push(
    `(d) The row compares the BUILD phase as the build log reports it with \`bash script.sh\` (which includes starting bash; the build's shell starts once, before INSTALL). The whole build action, with its workspace, inputs, log and outputs, took ${fmt(median(actionTimes))} ms.`,
  );
}

// ---------------------------------------------------------------- (e) restoring a build cache

async function benchCacheRestore() {
  const files = CACHE_DIRS * CACHE_FILES_PER_DIR;
  log(`(e) restoring a build cache of ${files} small files against cp -a of the same tree`);
  const fill = `for d in $(seq ${CACHE_DIRS}); do mkdir -p deps/d$d && (cd deps/d$d && for f in $(seq ${CACHE_FILES_PER_DIR}); do echo $d$f > f$f; done); done`;
  const cacheRepo = makeSourceRepo(path.join(work, 'repo-e'), {
    'buildspec.yml': YAML.stringify({
      version: 0.2,
      phases: { build: { commands: [`if [ ! -d deps ]; then ${fill}; fi`, `test "$(find deps -type f | wc -l)" -eq ${files}`] } },
      cache: { paths: ['deps/**/*'] },
    }),
  });
  const file = writeDefinition(bench, 'cache-restore.yaml', {
    pipeline: 'bench-cache',
    sources: { src: { git: cacheRepo, branch: 'main' } },
    stages: [{ name: 'Build', actions: [{ name: 'build', uses: 'codebuild', inputs: ['src'], with: { buildspec: 'buildspec.yml' } }] }],
  });
  const restoreTimes = [];
  const cpTimes = [];
  for (let i = 0; i < options.runs; i++) {
    const stateDir = freshStateDir(bench, 'e', i);
    expectActions((await runMeridian(bench, file, stateDir, { source: cacheRepo })).summary, 2);
    const second = await runMeridian(bench, file, stateDir, { source: cacheRepo });
    expectActions(second.summary, 2);
    const logText = actionLog(second.summary.executionId, stateDir, 'build');
    const restored = /Restored cache for deps in (\d+) ms/.exec(logText);
    if (!restored) fail(`the second build did not restore its cache:\n${logText.slice(0, 3000)}`);
    restoreTimes.push(Number(restored[1]));
    const cached = findFolder(path.join(stateDir, 'cache'), 'deps');
    const target = path.join(work, `cp-e-${i}`);
    cpTimes.push(timeCommand('cp', ['-a', cached, target]));
    rmSync(target, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
    log(`  run ${i + 1}: restore ${restoreTimes.at(-1)} ms, cp -a ${fmt(cpTimes.at(-1))} ms`);
  }
  const restoreMs = median(restoreTimes);
  const cpMs = median(cpTimes);
  rows.push({
    name: `(e) restore a cache of ${files} small files`,
    meridian: `${fmt(restoreMs)} ms`,
    baseline: `${fmt(cpMs)} ms (cp -a)`,
    metric: `ratio ${(restoreMs / cpMs).toFixed(2)}×`,
    target: '≤ 1.5 × cp -a',
    pass: restoreMs <= 1.5 * cpMs,
  });
}

/** The first folder called `name` under `root`, breadth first. */
function findFolder(root, name) {
  const queue = [root];
  while (queue.length > 0) {
    const dir = queue.shift();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const full = path.join(dir, entry.name);
      if (entry.name === name) return full;
      queue.push(full);
    }
  }
  fail(`no folder ${name} under ${root}`);
}

// ---------------------------------------------------------------- report

function report() {
  const verdict = (pass) => (pass === undefined ? 'n/a' : pass ? 'pass' : 'FAIL');
  const fresh = rows.map((r) => `| ${r.name} | ${r.meridian} | ${r.baseline} | ${r.metric} | ${r.target} | ${verdict(r.pass)} |`);
  const header = ['| benchmark | meridian (median) | baseline (median) | ratio / metric | target | result |', '| --- | --- | --- | --- | --- | --- |'];
  const earlier = earlierResults();
  const when = new Date().toISOString();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 1024 ** 3)} GiB, node ${process.version}, load average ${loadStart} at start and ${loadNow()} at the end`;
  const text = [
    '# Meridian benchmarks',
    '',
    `${when}, ${options.runs} run(s) each, ${machine}. Produced by \`npm run bench\` (bench/run.mjs, bench/release.mjs).`,
    ...earlier.runs.flatMap(({ ids, header: run }) => ['', `${EARLIER} ${ids.map((id) => `(${id})`).join(', ')}: ${run}`]),
    '',
    [...header, ...byLetter([...fresh, ...earlier.rows])].join('\n'),
    '',
    ...byLetter([...notes.map((n) => `- ${n}`), ...earlier.notes]),
    '',
  ].join('\n');
  process.stdout.write(`\n${[...header, ...fresh].join('\n')}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
  writeFileSync(RESULTS, text);
  log(`wrote ${path.relative(process.cwd(), RESULTS) || RESULTS}`);
}

function letterOf(line) {
  return /^(?:\||-) \(([a-z])\)/.exec(line)?.[1];
}

/** Sorted by benchmark letter; lines of one benchmark keep their order. */
function byLetter(lines) {
  return [...lines].sort((a, b) => (letterOf(a) ?? '').localeCompare(letterOf(b) ?? ''));
}

/**
 * The rows and notes in bench/results.md of the benchmarks this run leaves out, kept as they
 * were, with the line saying which run measured them.
 */
function earlierResults() {
  if (!existsSync(RESULTS)) return { rows: [], notes: [], runs: [] };
  const lines = readFileSync(RESULTS, 'utf8').split('\n');
  const left = (line) => BENCHES.includes(letterOf(line)) && !options.only.has(letterOf(line));
  const rows = lines.filter((line) => line.startsWith('|') && left(line));
  // Which run each kept row comes from: the file's own run, or one it had kept already.
  const runOf = new Map();
  const ownRun = lines.find((line) => /^\d{4}-\d\d-\d\dT/.test(line)) ?? 'a run of unknown date';
  for (const line of lines.filter((l) => l.startsWith(EARLIER))) {
    const run = line.slice(line.indexOf(': ', EARLIER.length) + 2);
    for (const [, id] of line.slice(EARLIER.length).matchAll(/\(([a-z])\)/g)) runOf.set(id, run);
  }
  const runs = new Map();
  for (const id of new Set(rows.map(letterOf))) {
    const run = runOf.get(id) ?? ownRun;
    runs.set(run, [...(runs.get(run) ?? []), id]);
  }
  return { rows, notes: lines.filter((line) => line.startsWith('- ') && left(line)), runs: [...runs].map(([header, ids]) => ({ header, ids })) };
}

// ---------------------------------------------------------------- small helpers

function parseArgs(argv) {
  const parsed = { runs: 5, only: new Set(BENCHES), keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) fail(`${arg} needs a value`);
      return next;
    };
    if (arg === '--runs') parsed.runs = Number(value());
    else if (arg.startsWith('--runs=')) parsed.runs = Number(arg.slice('--runs='.length));
    else if (arg === '--only') parsed.only = new Set(value().split(','));
    else if (arg.startsWith('--only=')) parsed.only = new Set(arg.slice('--only='.length).split(','));
    else if (arg === '--keep') parsed.keep = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`usage: node bench/run.mjs [--runs N] [--only ${BENCHES.join(',')}] [--keep]\n`);
      process.exit(0);
    } else fail(`unknown option ${arg}; try --help`);
  }
  if (!Number.isInteger(parsed.runs) || parsed.runs < 1) fail('--runs must be a whole number, at least 1');
  for (const name of parsed.only) if (!BENCHES.includes(name)) fail(`--only takes ${BENCHES.join(', ')}, not ${name}`);
  return parsed;
}
