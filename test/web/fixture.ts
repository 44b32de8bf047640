/**
 * A real `meridian serve` for the browser tests: a git repository, three pipelines (shop:
 * build then deploy to two regions, colours and a masked secret in its log; gated: a manual
 * approval in front of the deploy; nightly: one region always open, one whose window opens
 * in a few hours; flaky: fails once, then succeeds on retry), and viewer and operator tokens
 * made through the API.
 */
import path from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { startServe, ADMIN_TOKEN, type Served } from '../helpers/serve.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { ensureWebBuilt } from '../helpers/web-build.js';

export const SECRET = 'hunter2-very-secret';

export interface Fixture {
  served: Served;
  stateDir: string;
  tokens: { admin: string; operator: string; viewer: string };
  /** The UTC hour at which nightly's us-east-1 window opens (daily, one hour long). */
  windowHour: number;
}

const shop = (repo: string): string => `pipeline: shop
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: America/New_York }
sources:
  src: { git: ${repo} }
stages:
  - name: Build
    actions:
      - name: build
        uses: commands
        inputs: [src]
        outputs: [package]
        env: { API_KEY: { secret: "shop-api:key" } }
        commands:
          - 'printf "\\033[32mbuild ok\\033[0m key=%s\\n" "$API_KEY"'
          - 'sleep 1.5'
          - 'mkdir -p out && echo package > out/app.txt'
        with: { files: [out/app.txt] }
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, inputs: [package], commands: ['sleep 0.5', 'echo deployed to \${region}'] }
`;

const gated = (repo: string): string => `pipeline: gated
regions:
  eu-west-1: { timezone: Europe/Dublin }
sources:
  src: { git: ${repo} }
stages:
  - name: Gate
    actions:
      - { name: ok-to-ship, uses: approval }
  - name: Deploy
    actions:
      - { name: deploy, uses: commands, inputs: [src], commands: ['echo shipped'] }
`;

const nightly = (repo: string, hour: number): string => `pipeline: nightly
regions:
  eu-west-1: { timezone: Europe/Dublin }
  us-east-1: { timezone: UTC, windows: { allow: "daily ${pad(hour)}:00-${pad((hour + 1) % 24)}:00" } }
sources:
  src: { git: ${repo} }
stages:
  - name: Deploy
    forEach: region
    actions:
      - { name: "\${region}-deploy", uses: commands, inputs: [src], commands: ['echo deployed'] }
`;

/** Its first attempt fails (red in the log), every later one succeeds: the marker file remembers. */
const flaky = (repo: string, marker: string): string => `pipeline: flaky
regions:
  eu-west-1: { timezone: Europe/Dublin }
sources:
  src: { git: ${repo} }
stages:
  - name: Deploy
    actions:
      - name: migrate
        uses: commands
        inputs: [src]
        commands:
          - 'echo checking the schema'
          - 'if [ ! -f ${marker} ]; then touch ${marker}; printf "\\033[31mmigration failed: lock held\\033[0m\\n"; exit 3; fi'
          - 'echo migrated'
`;

export async function startFixture(): Promise<Fixture> {
  await ensureWebBuilt();
  const dir = tempDir('meridian-web-');
  const repo = makeRepo({ 'README.md': 'shop\n' });
  // A window that is closed now and opens three hours from now (UTC), every day.
  const windowHour = (new Date().getUTCHours() + 3) % 24;
  writeFiles(dir, {
    'shop.yaml': shop(repo),
    'gated.yaml': gated(repo),
    'nightly.yaml': nightly(repo, windowHour),
    'flaky.yaml': flaky(repo, path.join(dir, 'flaky-marker')),
  });
  const stateDir = path.join(dir, 'state');
  const secret = await runCli(['secrets', 'put', 'shop-api', JSON.stringify({ key: SECRET }), '--state-dir', stateDir]);
  expect(secret.code, secret.stderr).toBe(0);
  const served = await startServe([
    '-f',
    path.join(dir, 'shop.yaml'),
    '-f',
    path.join(dir, 'gated.yaml'),
    '-f',
    path.join(dir, 'nightly.yaml'),
    '-f',
    path.join(dir, 'flaky.yaml'),
    '--state-dir',
    stateDir,
  ]);
  // Tokens made through the API with the admin token (quicker than a CLI process each).
  const tokens = {
    admin: ADMIN_TOKEN,
    operator: await makeToken(served, 'operator', 'release-manager'),
    viewer: await makeToken(served, 'viewer', 'onlooker'),
  };
  return { served, stateDir, tokens, windowHour };
}

/** A token of `role` named `name`, made through the API with the admin token. */
export async function makeToken(served: Served, role: string, name: string): Promise<string> {
  const made = await served.api<{ token: string }>('POST', '/api/tokens', { name, role });
  expect(made.status).toBe(201);
  return made.body.token;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
