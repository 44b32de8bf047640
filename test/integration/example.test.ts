/**
 * The example in examples/service-x, run the way its README says, through the compiled
 * CLI in a child process: the native definition against the repository that contains it
 * (its committed HEAD), and the CloudFormation template against a repository made by the
 * example's make-repo.sh (so it also covers uncommitted changes to the example).
 */
import { execFile } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = path.join(ROOT, 'examples', 'service-x');
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const RUN_TIMEOUT_MS = 120_000;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface ActionSummary {
  name: string;
  region: string;
  runOrder: number;
  status: string;
  outputVariables: Record<string, string>;
  error?: { message: string };
  reports?: Array<{ name: string; totals: { total: number; passed: number; failed: number } }>;
}

interface ExecutionSummary {
  status: string;
  stages: Array<{ name: string; status: string; actions: ActionSummary[] }>;
}

/** The environment of the child: ours without npm's run-script variables, plus extras. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('npm_')) env[name] = value;
  return { ...env, ...extra };
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env: childEnv(env), timeout: RUN_TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function meridian(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return run(process.execPath, ['bin/meridian.js', ...args], env);
}

function expectExit(outcome: Outcome, code: number): void {
  // On failure, show what the CLI said instead of a bare "expected 1 to be 0".
  expect(outcome.code, `exit ${outcome.code}\nstderr:\n${outcome.stderr}\nstdout:\n${outcome.stdout.slice(0, 4000)}`).toBe(code);
}

function parseSummary(stdout: string): ExecutionSummary {
  // --json prints the summary and nothing else.
  return JSON.parse(stdout) as ExecutionSummary;
}

function expectAllSucceeded(summary: ExecutionSummary): void {
  expect(summary.status).toBe('Succeeded');
  const actions = summary.stages.flatMap((stage) => stage.actions);
  expect(actions).toHaveLength(11);
  const failed = actions.filter((action) => action.status !== 'Succeeded').map((action) => `${action.name}: ${action.status}`);
  expect(failed).toEqual([]);

  const deploy = summary.stages.find((stage) => stage.name === 'Deploy');
  expect(deploy?.actions).toHaveLength(9);
  for (const region of REGIONS) {
    const inRegion = (deploy?.actions ?? []).filter((action) => action.region === region);
    expect(inRegion.map((action) => action.runOrder).sort()).toEqual([1, 2, 3]);
  }
}

/** Region -> where its service answers, from the activate actions' `Url` output variables. */
function serviceUrls(summary: ExecutionSummary): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const action of summary.stages.flatMap((stage) => stage.actions)) {
    if (action.outputVariables.Url !== undefined) urls[action.region] = action.outputVariables.Url;
  }
  return urls;
}

async function health(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/health`);
  return { httpStatus: response.status, ...((await response.json()) as Record<string, unknown>) };
}

async function head(repo: string): Promise<string> {
  return (await run('git', ['-C', repo, 'rev-parse', 'HEAD'], {})).stdout.trim();
}

async function commitAll(repo: string, message: string): Promise<void> {
  const identity = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false'];
  expectExit(await run('git', ['-C', repo, 'add', '--all'], {}), 0);
  expectExit(await run('git', ['-C', repo, ...identity, 'commit', '--quiet', '-m', message], {}), 0);
}

function expectDeployed(deployRoot: string): void {
  for (const region of REGIONS) {
    const current = path.join(deployRoot, region, 'current');
    expect(lstatSync(current).isSymbolicLink(), `${current} is a symlink`).toBe(true);
    // Relative, so the deploy folder can be moved as a whole.
    expect(readlinkSync(current)).toMatch(/^releases\/[^/]+$/);
    const release = JSON.parse(readFileSync(path.join(current, 'release.json'), 'utf8')) as { region: string; commit: string };
    expect(release.region).toBe(region);
    expect(release.commit).not.toBe('');
    expect(readFileSync(path.join(current, 'server.js'), 'utf8')).toContain('/health');
    expect(readFileSync(path.join(deployRoot, region, 'infrastructure', 'template.yaml'), 'utf8')).toContain('AWS::SQS::Queue');
  }
}

describe('examples/service-x', () => {
  const temps: string[] = [];
  const tempDir = (prefix: string): string => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
    temps.push(dir);
    return dir;
  };
  const stateDirs: string[] = [];
  /** The native example leaves its services running, as a user's run would; stop them. */
  const stopServicesAfter = (stateDir: string): void => {
    stateDirs.push(stateDir);
  };
  afterEach(async () => {
    for (const stateDir of stateDirs.splice(0)) await run('bash', [path.join(EXAMPLE, 'scripts', 'stop.sh'), stateDir], {});
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'releases to three local regions, deploys a new commit everywhere, and rolls back a region whose health check fails',
    async () => {
      const work = tempDir('meridian-example-native-');
      const stateDir = path.join(work, 'state');
      const deployRoot = path.join(stateDir, 'deploy');
      const repo = path.join(work, 'service-x');
      stopServicesAfter(stateDir);

      // 1. The README's main command: the source is the repository holding the file, at HEAD.
      const first = await meridian(['run', '-f', 'examples/service-x/meridian.yaml', '--state-dir', stateDir, '--json']);
      expectExit(first, 0);
      const summary = parseSummary(first.stdout);
      expectAllSucceeded(summary);
      expectDeployed(deployRoot);

      // The build is the example's buildspec: its JUnit report and its exported release id,
      // which the prepare actions use as the release folder name.
      const build = summary.stages.find((stage) => stage.name === 'Build')?.actions[0] as ActionSummary;
      expect(build.reports?.[0]).toMatchObject({ name: 'service-tests', totals: { failed: 0 } });
      expect(build.reports?.[0]?.totals.total).toBeGreaterThanOrEqual(4);
      const releaseId = build.outputVariables.RELEASE_ID ?? '';
      expect(releaseId).toMatch(/^r-[0-9a-f]{12}-1$/);
      const urls = serviceUrls(summary);
      expect(Object.keys(urls).sort()).toEqual([...REGIONS].sort());
      for (const region of REGIONS) {
        expect(readlinkSync(path.join(deployRoot, region, 'current'))).toBe(`releases/${releaseId}`);
        // Each region's service runs the new release on a port of its own.
        expect(await health(urls[region]!)).toMatchObject({ status: 'ok', region, release: releaseId });
        // meridian package ran once per region, into that region's store.
        const packaged = readFileSync(path.join(deployRoot, region, 'current', 'serverless.packaged.yaml'), 'utf8');
        const key = /CodeUri: s3:\/\/meridian-[a-z0-9-]+\/([0-9a-f]{32})/.exec(packaged)?.[1];
        expect(key, packaged).toBeDefined();
        expect(lstatSync(path.join(stateDir, 'stores', region, 'objects', key!)).isFile()).toBe(true);
      }
      expect(new Set(Object.values(urls)).size).toBe(3);

      // 2. A new commit (in a copy of the example) goes out everywhere, on the same ports.
      expectExit(await run('bash', [path.join(EXAMPLE, 'make-repo.sh'), repo], {}), 0);
      const second = await meridian(['run', '-f', 'examples/service-x/meridian.yaml', '--source', `src=${repo}`, '--state-dir', stateDir, '--json']);
      expectExit(second, 0);
      const secondCommit = await head(repo);
      expect(serviceUrls(parseSummary(second.stdout))).toEqual(urls);
      for (const region of REGIONS) expect(await health(urls[region]!)).toMatchObject({ region, version: secondCommit });

      // 3. A commit whose service is unhealthy in one region: that region goes back to the
      //    release it had, the others take the new one, and the execution fails.
      const server = path.join(repo, 'examples', 'service-x', 'server.js');
      writeFileSync(
        server,
        readFileSync(server, 'utf8').replace(
          "if (url.pathname === '/health') return",
          "if (url.pathname === '/health' && region === 'ap-southeast-2') return send(503, { status: 'broken', region });\n    if (url.pathname === '/health') return",
        ),
      );
      await commitAll(repo, 'break /health in ap-southeast-2');
      const third = await meridian(['run', '-f', 'examples/service-x/meridian.yaml', '--source', `src=${repo}`, '--state-dir', stateDir, '--json']);
      expectExit(third, 1);
      const thirdCommit = await head(repo);
      const failed = parseSummary(third.stdout)
        .stages.flatMap((stage) => stage.actions)
        .filter((action) => action.status === 'Failed');
      expect(failed.map((action) => action.name)).toEqual(['ap-southeast-2-activate']);
      expect(failed[0]?.error?.message).toMatch(/rolled back to r-[0-9a-f]{12}-2.*answered 503/);
      expect(await health(urls['ap-southeast-2']!)).toMatchObject({ status: 'ok', version: secondCommit });
      expect(await health(urls['eu-west-1']!)).toMatchObject({ status: 'ok', version: thirdCommit });
      expect(await health(urls['us-east-1']!)).toMatchObject({ status: 'ok', version: thirdCommit });
    },
    3 * RUN_TIMEOUT_MS,
  );

  it(
    'runs pipeline.template.yaml once its SSM parameters exist',
    async () => {
      const work = tempDir('meridian-example-template-');
      const stateDir = path.join(work, 'state');
      const deployRoot = path.join(stateDir, 'deploy');
      const repo = path.join(work, 'service-x');
      expectExit(await run('bash', [path.join(EXAMPLE, 'make-repo.sh'), repo], {}), 0);

      for (const [name, value] of [
        ['/service-x/eu/artifact-bucket', 'service-x-eu'],
        ['/service-x/us/artifact-bucket', 'service-x-us'],
        ['/service-x/au/artifact-bucket', 'service-x-au'],
      ] as const) {
        expectExit(await meridian(['params', 'put', name, value, '--state-dir', stateDir]), 0);
      }

      const outcome = await meridian([
        'run',
        '-f',
        'examples/service-x/pipeline.template.yaml',
        '--source',
        `source=${repo}`,
        '--state-dir',
        stateDir,
        '--json',
      ]);

      expectExit(outcome, 0);
      expectAllSucceeded(parseSummary(outcome.stdout));
      expectDeployed(deployRoot);
      // The template passes the source commit to the build.
      const commit = (await run('git', ['-C', repo, 'rev-parse', 'HEAD'], {})).stdout.trim();
      for (const region of REGIONS) {
        const release = JSON.parse(readFileSync(path.join(deployRoot, region, 'current', 'release.json'), 'utf8')) as { commit: string };
        expect(release.commit).toBe(commit);
      }
    },
    RUN_TIMEOUT_MS + 30_000,
  );

  it(
    'fails the template run, naming the missing SSM parameter, when none was put',
    async () => {
      const stateDir = path.join(tempDir('meridian-example-noparams-'), 'state');

      const outcome = await meridian(['run', '-f', 'examples/service-x/pipeline.template.yaml', '--source', 'source=.', '--state-dir', stateDir]);

      // The execution is created and fails at once (exit 1), rather than being bad input (2).
      expectExit(outcome, 1);
      expect(`${outcome.stdout}${outcome.stderr}`).toContain('meridian params put /service-x/eu/artifact-bucket');
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});
