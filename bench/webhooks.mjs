// Webhook benchmarks for `meridian serve` (issue "Server"), against the compiled CLI:
//
//   node bench/webhooks.mjs [--runs N]        (also part of `npm run bench`, rows h and i)
//
// (h) 200 signed push deliveries, each sent once the execution of the previous one has ended
//     (webhooks arrive now and then, not in a flood: row (i) is the flood): time from sending
//     the request to the first action of the new execution being started (the engine's
//     action-started event, same machine clock), p50 and p99; baseline: a bare node:http
//     server that only checks the same HMAC and answers: the floor of HTTP + HMAC.
// (i) 500 signed deliveries in 10 s: 20 % redeliveries, 10 % bad signatures, 10 % pushes to
//     another branch, the rest new pushes. Every response is accounted for (started,
//     duplicate, ignored, refused) and checked against what the server stored; the server's
//     peak RSS is read from /proc.
import { spawn, execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(ROOT, 'bin', 'meridian.js');
const SECRET = 'bench-secret';
const TOKEN = 'bench-admin-token';

const sign = (body) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
const median = (values) => percentile(values, 50);
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function makeRepo(dir) {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.com' };
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
  writeFileSync(path.join(dir, 'README.md'), 'bench\n');
  execFileSync('git', ['-C', dir, 'add', '-A'], { env });
  execFileSync('git', ['-C', dir, 'commit', '-q', '-m', 'bench'], { env });
  return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
}

function payload(ref, after) {
  return JSON.stringify({
    ref,
    before: '1'.repeat(40),
    after,
    deleted: false,
    commits: [{ id: after, message: 'bench', added: [], removed: [], modified: ['README.md'] }],
    head_commit: { id: after, message: 'bench' },
    repository: { full_name: 'acme/bench' },
  });
}

async function startServe(work, mode) {
  const repo = path.join(work, 'repo');
  const head = makeRepo(repo);
  writeFileSync(
    path.join(work, 'p.yaml'),
    `pipeline: bench\nexecutionMode: ${mode}\nsources:\n  src: { git: ${repo}, branch: main, webhook: { secret: ${SECRET} } }\nstages:\n  - name: Build\n    actions:\n      - { name: build, uses: commands, inputs: [src], commands: ['true'] }\n`,
  );
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '-f', path.join(work, 'p.yaml'), '--state-dir', path.join(work, 'state'), '--port', '0', '--webhook-rate-limit', '100000'],
    {
      env: { ...process.env, MERIDIAN_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const url = await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 20);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  const api = async (p) => (await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  return { child, url, head, api, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

async function deliver(url, body, { delivery = randomUUID(), signature = sign(body) } = {}) {
  const response = await fetch(`${url}/webhooks/github/bench`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': signature },
    body,
  });
  const json = await response.json();
  return { status: response.status, json };
}

/** The floor: node:http, read the body, check the HMAC, answer 202. */
async function baselineLatency(count) {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const ok = request.headers['x-hub-signature-256'] === sign(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(ok ? 202 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const times = [];
  const body = payload('refs/heads/main', '2'.repeat(40));
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await deliver(url, body);
    times.push(performance.now() - t0);
  }
  await new Promise((resolve) => server.close(resolve));
  return times;
}

export async function benchWebhookLatency({ runs = 1, log = console.error } = {}) {
  const count = 200;
  const p50s = [];
  const p99s = [];
  const floors = [];
  for (let run = 0; run < runs; run++) {
    const work = mkdtempSync(path.join(tmpdir(), 'meridian-bench-webhook-'));
    const served = await startServe(work, 'PARALLEL');
    try {
      const body = payload('refs/heads/main', served.head);
      const sent = new Map();
      for (let i = 0; i < count; i++) {
        const t0 = Date.now();
        const { status, json } = await deliver(served.url, body);
        if (status !== 202) throw new Error(`delivery ${i} answered ${status}: ${JSON.stringify(json)}`);
        sent.set(json.executionId, t0);
        for (;;) {
          const summary = await served.api(`/api/executions/${json.executionId}`);
          if (!['InProgress', 'Stopping'].includes(summary.status)) break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
      // First action started: the engine's action-started event, on the same machine clock.
      const latencies = [];
      for (const [id, t0] of sent) {
        const events = await served.api(`/api/executions/${id}/events`);
        const started = events.find((e) => e.type === 'action-started');
        if (!started) throw new Error(`execution ${id} has no started action`);
        latencies.push(Date.parse(started.at) - t0);
      }
      p50s.push(median(latencies));
      p99s.push(percentile(latencies, 99));
      floors.push(median(await baselineLatency(count)));
      log(`  run ${run + 1}: p50 ${p50s.at(-1)} ms, p99 ${p99s.at(-1)} ms (bare HMAC server p50 ${floors.at(-1).toFixed(1)} ms)`);
    } finally {
      await served.stop();
      rmSync(work, { recursive: true, force: true });
    }
  }
  const p50 = median(p50s);
  const p99 = median(p99s);
  const floor = median(floors);
  return [
    {
      name: '(h) webhook → first action started, 200 deliveries',
      meridian: `p50 ${p50} ms, p99 ${p99} ms`,
      baseline: `${floor.toFixed(1)} ms (node:http + HMAC only)`,
      metric: `p50 ${(p50 / floor).toFixed(1)}× the floor`,
      target: 'p50 ≤ 50 ms, p99 ≤ 250 ms',
      pass: p50 <= 50 && p99 <= 250,
    },
  ];
}

export async function benchWebhookFlood({ log = console.error } = {}) {
  const work = mkdtempSync(path.join(tmpdir(), 'meridian-bench-flood-'));
  const served = await startServe(work, 'SUPERSEDED');
  try {
    const plan = [];
    const valid = [];
    for (let i = 0; i < 500; i++) {
      const r = i % 10;
      if (r < 2 && valid.length > 0) plan.push({ kind: 'duplicate', delivery: valid[(i * 7) % valid.length] });
      else if (r === 2) plan.push({ kind: 'bad-signature' });
      else if (r === 3) plan.push({ kind: 'other-branch' });
      else {
        const delivery = randomUUID();
        valid.push(delivery);
        plan.push({ kind: 'new', delivery });
      }
    }
    const main = payload('refs/heads/main', served.head);
    const other = payload('refs/heads/feature/x', served.head);
    const outcomes = { started: 0, duplicate: 0, ignored: 0, refused: 0, other: 0 };
    const started = new Set();
    const t0 = Date.now();
    const pending = [];
    for (let i = 0; i < plan.length; i++) {
      const item = plan[i];
      // 50 a second: 500 in 10 s.
      const due = t0 + i * 20;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const request =
        item.kind === 'bad-signature'
          ? deliver(served.url, main, { signature: sign('something else') })
          : deliver(served.url, item.kind === 'other-branch' ? other : main, { delivery: item.delivery });
      pending.push(
        request.then(({ status, json }) => {
          if (status === 202) {
            outcomes.started++;
            started.add(json.executionId);
          } else if (status === 200 && /received before/.test(json.ignored ?? '')) outcomes.duplicate++;
          else if (status === 200) outcomes.ignored++;
          else if (status === 401) outcomes.refused++;
          else outcomes.other++;
        }),
      );
    }
    await Promise.all(pending);
    const sendSeconds = (Date.now() - t0) / 1000;
    const executions = await served.api('/api/executions?limit=500');
    const rss = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${served.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    const expected = {
      started: plan.filter((p) => p.kind === 'new').length,
      duplicate: plan.filter((p) => p.kind === 'duplicate').length,
      ignored: plan.filter((p) => p.kind === 'other-branch').length,
      refused: plan.filter((p) => p.kind === 'bad-signature').length,
    };
    const accounted = outcomes.started + outcomes.duplicate + outcomes.ignored + outcomes.refused;
    const consistent =
      accounted === 500 &&
      outcomes.other === 0 &&
      outcomes.started === expected.started &&
      outcomes.duplicate === expected.duplicate &&
      outcomes.ignored === expected.ignored &&
      outcomes.refused === expected.refused &&
      executions.length === started.size;
    log(
      `  sent 500 in ${sendSeconds.toFixed(1)} s: ${JSON.stringify(outcomes)} (expected ${JSON.stringify(expected)}); ${executions.length} executions stored; peak RSS ${rss.toFixed(0)} MB`,
    );
    return [
      {
        name: '(i) 500 signed deliveries in 10 s, accounted for',
        meridian: `${accounted}/500 accounted (${outcomes.started} started, ${outcomes.duplicate} duplicate, ${outcomes.ignored} ignored, ${outcomes.refused} refused); ${executions.length} executions stored`,
        baseline: `the plan: ${expected.started}/${expected.duplicate}/${expected.ignored}/${expected.refused}`,
        metric: `peak RSS ${rss.toFixed(0)} MB`,
        target: 'every delivery accounted for, none lost; RSS < 200 MB',
        pass: consistent && rss < 200,
      },
    ];
  } finally {
    await served.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 1;
  const rows = [...(await benchWebhookLatency({ runs })), ...(await benchWebhookFlood())];
  for (const row of rows) console.log(`| ${row.name} | ${row.meridian} | ${row.baseline} | ${row.metric} | ${row.target} | ${row.pass ? 'met' : 'MISSED'} |`);
}
