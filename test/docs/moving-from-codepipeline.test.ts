/**
 * docs/moving-from-codepipeline.md, section "2. Run it", run as written: its first shell
 * block (`npm run local-aws -- BUCKETS`) in one process, its second block in bash as the
 * second terminal, both from the root of a clone. The clone is this repository seen through
 * a folder of symbolic links, so that the state dir (`.meridian`) and `local-aws.env` the
 * commands write land in a temp folder. The run must succeed and the first terminal must
 * report both stacks CREATE_COMPLETE in the three regions.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, REPO_ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const DOC = fs.readFileSync(path.join(REPO_ROOT, 'docs/moving-from-codepipeline.md'), 'utf8');

/** The fenced `sh` blocks of the section under `heading`, each as its text. */
function shellBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const rest = markdown.slice(start + heading.length + 2);
  const section = rest.slice(0, rest.search(/^## /m) >>> 0);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

/** A folder that looks like a clone of this repository: a link to each of its entries but the ones the commands write. */
function cloneOfLinks(): string {
  const clone = tempDir('meridian-doc-clone-');
  for (const entry of fs.readdirSync(REPO_ROOT)) {
    if (['.git', '.meridian', 'local-aws.env'].includes(entry)) continue;
    fs.symlinkSync(path.join(REPO_ROOT, entry), path.join(clone, entry));
  }
  return clone;
}

/**
 * The environment of a new terminal: none of this machine's AWS settings, and `meridian` on
 * PATH as `npm install -g .` puts it there (a link to the clone's bin/meridian.js).
 */
function terminalEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('AWS_')) env[name] = value;
  const bin = tempDir('meridian-doc-bin-');
  fs.symlinkSync(path.join(REPO_ROOT, 'bin/meridian.js'), path.join(bin, 'meridian'));
  env['PATH'] = `${bin}${path.delimiter}${env['PATH'] ?? ''}`;
  env['TMPDIR'] = tempDir('meridian-doc-tmp-'); // where the doc's `mktemp -d` makes the service's repository
  return env;
}

const stopAll: (() => void)[] = [];
afterAll(() => {
  for (const stop of stopAll) stop();
});

describe('docs/moving-from-codepipeline.md, "2. Run it"', () => {
  it('runs the seed-shaped template end to end against the stand-ins `npm run local-aws` starts', async () => {
    const blocks = shellBlocks(DOC, '## 2. Run it');
    const [standIns, commands] = blocks;
    expect(standIns?.trim()).toMatch(/^npm run local-aws -- [\w -]+$/);
    expect(commands).toMatch(/^\. \.\/local-aws\.env\n[\s\S]*\nmeridian run -f examples\/orders\/orders\.template\.yaml [^\n]*\n$/);
    const clone = cloneOfLinks();
    const env = terminalEnv();

    // The first terminal: a process group of its own, stopped with SIGINT as Ctrl-C does.
    const first = spawn('bash', ['-c', standIns!], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstOutput = '';
    first.stdout.on('data', (chunk: Buffer) => (firstOutput += chunk.toString()));
    first.stderr.on('data', (chunk: Buffer) => (firstOutput += chunk.toString()));
    const firstClosed = new Promise<void>((resolve) => first.on('close', () => resolve()));
    const interrupt = (): void => {
      try {
        process.kill(-first.pid!, 'SIGINT');
      } catch {
        // already gone
      }
    };
    stopAll.push(interrupt);
    const envFile = path.join(clone, 'local-aws.env');
    await eventually(() => fs.existsSync(envFile), 30_000, `local-aws.env (output: ${firstOutput})`);
    expect(fs.readFileSync(envFile, 'utf8')).toMatch(/^export AWS_ENDPOINT_URL_CLOUDFORMATION=http:\/\/127\.0\.0\.1:\d+$/m);

    // The second terminal, every line as written.
    const second = spawnSync('bash', ['-e', '-c', commands!], { cwd: clone, env, encoding: 'utf8', timeout: 100_000 });
    expect(second.status, `${second.stdout}\n${second.stderr}`).toBe(0);
    expect(second.stdout).toMatch(/Succeeded/);
    expect(fs.existsSync(path.join(clone, '.meridian'))).toBe(true);

    const stacks = ['eu-west-1', 'us-east-1', 'ap-southeast-2'].flatMap((region) =>
      ['orders-app', 'orders-base'].map((stack) => new RegExp(`${region}\\s+${stack}\\s+CREATE_COMPLETE`)),
    );
    await eventually(() => stacks.every((line) => line.test(firstOutput)), 5_000, `six stacks CREATE_COMPLETE in: ${firstOutput}`);

    // Ctrl-C: npm ends by the signal, as in a terminal; the stand-ins stop and take their file with them.
    interrupt();
    await firstClosed;
    await eventually(() => firstOutput.includes('stopped'), 5_000, `"stopped" in: ${firstOutput}`);
    expect(fs.existsSync(envFile)).toBe(false);
  }, 120_000); // about 30 s alone; a loaded machine has taken 45
});
