// The release provider's benchmarks (issue 4), run by run.mjs:
//
// (f) the release deploy of examples/service-x to three local regions: its Deploy stage
//     (per region an infrastructure Commands action, a release prepare and a release
//     activate that restarts the service and checks its health, in three waves), timed
//     from the execution summary, against a bash script doing the same steps in the same
//     waves: infra.sh, copy the package into releases/<id>, switch `current`, restart with
//     bin/service.sh, poll /health;
// (g) a 50 MB release prepared over SSH on a throwaway loopback sshd against `scp -r` of
//     the same folder to the same sshd.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  actionLog,
  expectActions,
  fail,
  fmt,
  folderBytes,
  freePort,
  freshStateDir,
  log,
  MB,
  median,
  REGIONS,
  ROOT,
  runMeridian,
  stageSpanMs,
  timeCommand,
  writeDefinition,
  writeRandomFile,
} from './lib.mjs';
import { startSshd, sshdUnavailable } from './sshd.mjs';

const EXAMPLE = path.join(ROOT, 'examples', 'service-x');
const UPLOAD_FILES = 50;
/** The bash side's release: its packages name it, and its health check looks for it. */
const RELEASE_ID = 'r-bash';

// ---------------------------------------------------------------- (f) the example's deploy

export async function benchReleaseDeploy(bench) {
  log("(f) the example's release deploy to three local regions, against the same steps in bash");
  // The example as its README runs it from a repository of its own.
  const source = path.join(bench.work, 'service-x');
  run('bash', [path.join(EXAMPLE, 'make-repo.sh'), source]);
  const copy = path.join(source, 'examples', 'service-x');
  // The bash side deploys the same package, made once by the build's own script.
  const packages = path.join(bench.work, 'service-x-packages');
  for (const region of Object.keys(REGIONS)) {
    run('bash', [path.join(copy, 'scripts', 'package.sh'), region, packages], { env: { ...process.env, RELEASE_ID, COMMIT: 'bench' } });
  }
  const script = writeDeployScript(bench);
  const started = new Set();
  bench.atExit(() => {
    for (const dir of started) stopServices(dir);
  });

  const meridian = [];
  const waves = { 1: [], 2: [], 3: [] };
  const whole = [];
  const bash = [];
  const bashWaves = { 1: [], 2: [], 3: [] };
  for (let i = 0; i < bench.runs; i++) {
    const stateDir = freshStateDir(bench, 'f', i);
    started.add(stateDir);
    await givePorts(stateDir);
    const { ms, summary } = await runMeridian(bench, path.join(EXAMPLE, 'meridian.yaml'), stateDir, { source });
    expectActions(summary, 11);
    await expectAnswering(summary);
    stopServices(stateDir);
    meridian.push(stageSpanMs(summary, 'Deploy'));
    for (const order of [1, 2, 3]) waves[order].push(stageSpanMs(summary, 'Deploy', (action) => action.runOrder === order));
    whole.push(ms);

    const bashDir = path.join(bench.work, `bash-f-${i}`);
    started.add(bashDir);
    await givePorts(bashDir);
    bash.push(timeCommand('bash', [script, bashDir, packages, RELEASE_ID, copy]));
    readFileSync(path.join(bashDir, 'waves'), 'utf8')
      .trim()
      .split('\n')
      .forEach((line, index) => bashWaves[index + 1].push(Number(line.split(' ')[1])));
    stopServices(bashDir);
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(bashDir, { recursive: true, force: true });
    const last = (series) => [1, 2, 3].map((o) => fmt(series[o].at(-1))).join(' / ');
    log(`  run ${i + 1}: Deploy stage ${fmt(meridian.at(-1))} ms (waves ${last(waves)} ms), bash ${fmt(bash.at(-1))} ms (${last(bashWaves)} ms)`);
  }
  const m = median(meridian);
  const b = median(bash);
  bench.rows.push({
    name: '(f) release deploy of the example to 3 local regions',
    meridian: `${fmt(m)} ms (Deploy stage)`,
    baseline: `${fmt(b)} ms (bash, same steps and waves)`,
    metric: `ratio ${(m / b).toFixed(2)}×`,
    target: '≤ 1.3 × bash',
    pass: m <= 1.3 * b,
  });
  bench.notes.push(
    `(f) \`meridian run -f examples/service-x/meridian.yaml\` on a copy made by make-repo.sh; the row is its Deploy stage, from the first action's start to the last one's end in the execution summary ` +
      `(infrastructure / prepare / activate waves ${medians(waves)} ms; bash ${medians(bashWaves)} ms), which leaves out the source and the build (tests, packaging: the whole run took ${fmt(median(whole))} ms). ` +
      "Both sides get free ports for the three services up front (in shared/service.env, where infra.sh keeps a region's port), so that another copy of the example on this machine cannot take 8101-8103 meanwhile. The bash script runs, per region and in the same three waves, infra.sh, a copy of the prebuilt package into releases/<id> with the shared logs link, the switch of `current`, `bin/service.sh restart` and a curl of /health until it names the release. Every service is stopped with scripts/stop.sh after each run.",
  );
}

function medians(series) {
  return [1, 2, 3].map((order) => fmt(median(series[order]))).join(' / ');
}

/** The same steps as the example's Deploy stage, in bash, in the same three waves. */
function writeDeployScript(bench) {
  const file = path.join(bench.work, 'deploy-service-x.sh');
  writeFileSync(
    file,
    `#!/usr/bin/env bash
# deploy-service-x.sh STATE_DIR PACKAGES RELEASE_ID EXAMPLE_DIR
set -euo pipefail
export MERIDIAN_STATE_DIR="$1"   # the example's scripts deploy to $MERIDIAN_STATE_DIR/deploy/<region>
packages="$2" id="$3" example="$4"

wave() {
  local pids=() region
  for region in ${Object.keys(REGIONS).join(' ')}; do "$1" "$region" & pids+=("$!"); done
  for pid in "\${pids[@]}"; do wait "$pid"; done
}

infrastructure() {
  bash "$example/scripts/infra.sh" "$1" >/dev/null 2>&1
}

prepare() {
  local root="$MERIDIAN_STATE_DIR/deploy/$1"
  mkdir -p "$root/releases" "$root/shared/logs"
  rm -rf "$root/releases/$id.partial"
  cp -R "$packages/$1" "$root/releases/$id.partial"
  ln -sfn "$root/shared/logs" "$root/releases/$id.partial/logs"
  mv -T "$root/releases/$id.partial" "$root/releases/$id"
}

activate() {
  local root="$MERIDIAN_STATE_DIR/deploy/$1" port body
  ln -sfn "releases/$id" "$root/current.tmp"
  mv -T "$root/current.tmp" "$root/current"
  (cd "$root/releases/$id" && TARGET_ROOT="$root" bash bin/service.sh restart) >/dev/null
  port="$(sed -n 's/^PORT=//p' "$root/shared/service.env")"
  for _ in $(seq 40); do
    if body="$(curl -fsS --max-time 2 "http://127.0.0.1:$port/health")" && [[ "$body" == *"$id"* ]]; then return 0; fi
    sleep 0.25
  done
  echo "service-x in $1 does not answer with $id" >&2
  return 1
}

# Each wave's time, in ms, for the benchmark's notes.
timed() {
  local start=$EPOCHREALTIME
  wave "$1"
  echo "$1 $(( (\${EPOCHREALTIME/./} - \${start/./}) / 1000 ))" >> "$MERIDIAN_STATE_DIR/waves"
}

timed infrastructure
timed prepare
timed activate
`,
  );
  return file;
}

/** Each region's service answers at the URL its activate action reports, with the new release. */
async function expectAnswering(summary) {
  const releaseId = summary.stages.flatMap((s) => s.actions).find((a) => a.outputVariables?.RELEASE_ID)?.outputVariables.RELEASE_ID;
  const urls = summary.stages.flatMap((s) => s.actions).flatMap((a) => (a.outputVariables?.Url ? [a.outputVariables.Url] : []));
  if (urls.length !== 3 || !releaseId) fail(`expected three released services, got ${urls.join(', ') || 'none'}`);
  for (const url of urls) {
    const body = await fetch(`${url}/health`).then((response) => response.text());
    if (!body.includes(releaseId)) fail(`${url}/health does not name ${releaseId}: ${body}`);
  }
}

/**
 * The regions' ports, written where infra.sh keeps them across releases: free ports, where
 * infra.sh would take 8101-8103 whenever they are free, which another copy of the example
 * running on this machine may take as well between infra.sh and the service's start.
 */
async function givePorts(stateDir) {
  for (const region of Object.keys(REGIONS)) {
    const shared = path.join(stateDir, 'deploy', region, 'shared');
    mkdirSync(shared, { recursive: true });
    writeFileSync(path.join(shared, 'service.env'), `SERVICE_REGION=${region}\nPORT=${await freePort()}\n`);
  }
}

function stopServices(dir) {
  spawnSync('bash', [path.join(EXAMPLE, 'scripts', 'stop.sh'), dir], { stdio: 'ignore' });
}

// ---------------------------------------------------------------- (g) a release over SSH

export async function benchSshUpload(bench) {
  const name = `(g) ${UPLOAD_FILES} MB release over SSH, loopback sshd`;
  const target = '≥ 50 % of scp';
  const unavailable = sshdUnavailable();
  if (unavailable) {
    log(`(g) skipped: ${unavailable}`);
    bench.rows.push({ name, meridian: 'skipped', baseline: '', metric: '', target, pass: undefined });
    bench.notes.push(`(g) Skipped: ${unavailable}.`);
    return;
  }
  log(`(g) a ${UPLOAD_FILES} MB release prepared over SSH, against scp -r to the same loopback sshd`);
  const sshd = await startSshd(bench);
  const payload = path.join(bench.work, 'payload');
  mkdirSync(payload);
  for (let i = 1; i <= UPLOAD_FILES; i++) writeRandomFile(path.join(payload, `part-${i}.bin`), MB);
  const bytes = folderBytes(payload);
  const releaseRoot = path.join(bench.work, 'ssh-release');
  const scpRoot = path.join(bench.work, 'ssh-scp');
  const file = writeDefinition(bench, 'ssh-upload.yaml', {
    pipeline: 'bench-ssh-upload',
    sources: { src: { git: bench.repo } },
    stages: [
      {
        name: 'Build',
        actions: [
          {
            name: 'build',
            uses: 'commands',
            inputs: ['src'],
            outputs: ['payload'],
            commands: [`cp -rp ${payload} payload`],
            with: { files: ['payload/**/*'] },
          },
        ],
      },
      {
        name: 'Deploy',
        actions: [
          {
            name: 'prepare',
            uses: 'release',
            inputs: ['payload'],
            with: {
              target: `ssh://${sshd.user}@127.0.0.1:${sshd.port}${releaseRoot}`,
              mode: 'prepare',
              path: 'payload',
              releaseId: 'r1',
              sshKey: sshd.userKey,
              knownHosts: sshd.knownHosts,
            },
          },
        ],
      },
    ],
  });

  const prepared = [];
  const actions = [];
  const scp = [];
  for (let i = 0; i < bench.runs; i++) {
    rmSync(releaseRoot, { recursive: true, force: true });
    const stateDir = freshStateDir(bench, 'g', i);
    const { summary } = await runMeridian(bench, file, stateDir);
    expectActions(summary, 3);
    const text = actionLog(summary.executionId, stateDir, 'prepare');
    const match = /^Prepared release r1 at \S+ in (\d+) ms/m.exec(text);
    if (!match) fail(`the prepare action's log has no "Prepared release … in N ms" line:\n${text.slice(0, 2000)}`);
    expectBytes(path.join(releaseRoot, 'releases', 'r1'), bytes);
    prepared.push(Number(match[1]));
    actions.push(stageSpanMs(summary, 'Deploy'));
    rmSync(stateDir, { recursive: true, force: true });

    rmSync(scpRoot, { recursive: true, force: true });
    scp.push(timeCommand('scp', ['-q', '-r', '-P', String(sshd.port), ...sshd.sshOptions, payload, `${sshd.user}@127.0.0.1:${scpRoot}`]));
    expectBytes(scpRoot, bytes);
    log(`  run ${i + 1}: prepared in ${prepared.at(-1)} ms (whole action ${fmt(actions.at(-1))} ms), scp -r ${fmt(scp.at(-1))} ms`);
  }
  sshd.stop();
  const mb = bytes / MB;
  const preparedMs = median(prepared);
  const scpMs = median(scp);
  const ratio = scpMs / preparedMs;
  bench.rows.push({
    name,
    meridian: `${fmt(preparedMs)} ms, ${fmt(mb / (preparedMs / 1000))} MB/s`,
    baseline: `${fmt(scpMs)} ms, ${fmt(mb / (scpMs / 1000))} MB/s (scp -r)`,
    metric: `${Math.round(ratio * 100)} % of scp`,
    target,
    pass: ratio >= 0.5,
  });
  bench.notes.push(
    `(g) ${UPLOAD_FILES} files of 1 MB of random bytes. Meridian's time is the prepare step as the release action logs it (\`Prepared release r1 at … in N ms\`): connecting (the action's one master connection), checking, streaming a tar archive through ssh and renaming the release into place; ` +
      `the whole prepare action, which also unpacks the artifact into its workspace first, took ${fmt(median(actions))} ms. scp's time is the whole \`scp -r\` command, connection included, with the same key and known_hosts options.`,
  );
}

function expectBytes(dir, bytes) {
  const found = folderBytes(dir);
  if (found !== bytes) fail(`${dir} holds ${found} bytes, expected ${bytes}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}
