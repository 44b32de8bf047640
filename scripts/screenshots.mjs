// Re-makes the dashboard screenshots in docs/screenshots/ (shown in docs/dashboard.md): a real
// `meridian serve` with a three-region pipeline whose regions deploy at night, one execution
// released everywhere, a second one rolled back (the rollback execution is shot), a disruptive
// one in region lanes waiting for the regions' windows (one lane let go by an override), then
// an emergency halt of a waiting region (its banner, its held steps), and Debian's chromium
// (apt-get install -y chromium) through playwright-core.
//
//   npm run build && npm run screenshots
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'docs', 'screenshots');
const token = 'screenshots-admin-token';
const dir = mkdtempSync(path.join(os.tmpdir(), 'meridian-screenshots-'));

const repo = path.join(dir, 'service-x');
mkdirSync(repo);
const git = (...args) =>
  execFileSync('git', ['-C', repo, ...args], {
    env: { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' },
  });
git('init', '-q', '-b', 'main');
writeFileSync(path.join(repo, 'app.js'), 'console.log("service-x");\n');
writeFileSync(
  path.join(repo, 'buildspec.yml'),
  `version: 0.2
phases:
  build:
    commands:
      - printf '\\033[1mnpm test\\033[0m\\n\\033[32m✓\\033[0m 42 tests passed\\n'
      - mkdir -p dist && cp app.js dist/ && sleep 1
artifacts:
  files: ['dist/**/*']
`,
);
git('add', '-A');
git('commit', '-q', '-m', 'service-x: faster health endpoint');

writeFileSync(
  path.join(dir, 'meridian.yaml'),
  `pipeline: service-x
regions:
  eu-west-1:      { timezone: Europe/Dublin }
  us-east-1:      { timezone: America/New_York }
  ap-southeast-2: { timezone: Australia/Sydney }
windows:
  policy: disruptive-only
  allow: "daily 01:00-05:00"
sources:
  src: { git: ${repo} }
stages:
  - name: Build
    actions:
      - name: build
        uses: codebuild
        inputs: [src]
        outputs: [package]
        with: { buildspec: buildspec.yml }
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-infrastructure", runOrder: 1, expectedDuration: 20m, uses: commands, inputs: [package], commands: ['sleep 1', 'echo infrastructure of \${region} up to date'] }
      - { name: "\${region}-prepare", runOrder: 2, expectedDuration: 10m, uses: commands, inputs: [package], commands: ['sleep 1', 'echo prepared release for \${region}'] }
      - { name: "\${region}-execute", runOrder: 3, expectedDuration: 15m, uses: commands, inputs: [package], commands: ['sleep 1', 'echo \${region} answers with the new release'] }
`,
);

const child = spawn(
  process.execPath,
  [path.join(root, 'bin', 'meridian.js'), 'serve', '-f', path.join(dir, 'meridian.yaml'), '--port', '0', '--state-dir', path.join(dir, 'state')],
  {
    env: { ...process.env, MERIDIAN_TOKEN: token, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let output = '';
child.stdout.on('data', (chunk) => (output += chunk));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const url = await until(() => /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1], 'the server to listen');
  const api = async (method, route, body) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };
  const first = await api('POST', '/api/pipelines/service-x/executions', {});
  await until(async () => ((await api('GET', `/api/executions/${first.executionId}`)).status === 'Succeeded' ? true : undefined), 'the first execution');
  writeFileSync(path.join(repo, 'app.js'), 'console.log("service-x", "v2");\n');
  git('commit', '-q', '-am', 'service-x: cache the catalogue');
  const rolledBack = await api('POST', '/api/pipelines/service-x/executions', {});
  await until(
    async () => ((await api('GET', `/api/executions/${rolledBack.executionId}`)).status === 'Succeeded' ? true : undefined),
    'the execution to roll back',
  );
  const rollback = await api('POST', '/api/pipelines/service-x/stages/Deploy/rollback', {});
  const rollbackId = rollback.executionIds[0];
  await until(async () => ((await api('GET', `/api/executions/${rollbackId}`)).status === 'Succeeded' ? true : undefined), 'the rollback');
  const second = await api('POST', '/api/pipelines/service-x/executions', { disruptive: true });
  await until(
    async () => ((await api('GET', `/api/executions/${second.executionId}/view`)).stages[1]?.status === 'InProgress' ? true : undefined),
    'the disruptive execution to reach its deploys',
  );
  // Region lanes: one lane let go outside its window (whichever region's window is closed now), the others wait.
  const waiting = await until(async () => {
    const view = await api('GET', `/api/executions/${second.executionId}/view`);
    return view.stages.find((s) => s.name === 'Deploy')?.actions.find((a) => a.status === 'Waiting' && a.waitingFor === 'window')?.region;
  }, 'a lane to wait for its window');
  await api('POST', `/api/executions/${second.executionId}/windows/${waiting}/override`, { reason: 'customer waiting on the fix' });
  const deployed = async () =>
    (await api('GET', `/api/executions/${second.executionId}/view`)).stages
      .find((s) => s.name === 'Deploy')
      ?.actions.filter((a) => a.region === waiting)
      .every((a) => a.status === 'Succeeded');
  await until(async () => ((await deployed()) ? true : undefined), 'the overridden lane');
  await new Promise((resolve) => setTimeout(resolve, 2500));

  mkdirSync(out, { recursive: true });
  await shoot(url, '#/', 'pipelines.png');
  await shoot(url, `#/executions/${second.executionId}`, 'execution.png');
  await shoot(url, `#/executions/${rollbackId}`, 'rollback.png');
  await shoot(url, '#/pipelines/service-x/night', 'night.png');
  await shoot(url, `#/executions/${second.executionId}`, 'execution-phone-dark.png', { viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  await shoot(url, `#/executions/${second.executionId}`, 'lanes.png', { element: 'stage-Deploy' });
  // Last, as it changes what the others show: an emergency halt of a region that still waits.
  const halted = (await api('GET', `/api/executions/${second.executionId}/view`)).stages
    .find((s) => s.name === 'Deploy')
    ?.actions.find((a) => a.status === 'Waiting' && a.region !== waiting)?.region;
  await api('POST', '/api/halts', { region: halted, reason: 'payments database failing over (INC-4711)' });
  await shoot(url, `#/executions/${second.executionId}`, 'halt.png');
  console.log(`screenshots written to ${path.relative(root, out)}/`);
} finally {
  await browser.close();
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('close', resolve));
  rmSync(dir, { recursive: true, force: true });
}

/** `element`: the test id of the part of the page to shoot, instead of the whole page. */
async function shoot(url, hash, file, { element, ...options } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', ...options });
  const page = await context.newPage();
  await page.goto(`${url}/${hash}`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 800));
  if (element === undefined) await page.screenshot({ path: path.join(out, file), fullPage: true });
  else await page.getByTestId(element).screenshot({ path: path.join(out, file) });
  await context.close();
}

async function until(check, what, ms = 60_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
