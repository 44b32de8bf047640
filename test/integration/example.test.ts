/**
 * The example in examples/service-x, run the way its README says, through the compiled
 * CLI in a child process: the native definition against the repository that contains it
 * (its committed HEAD), and the CloudFormation template against a repository made by the
 * example's make-repo.sh (so it also covers uncommitted changes to the example).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, lstatSync } from 'node:fs';
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
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('runs meridian.yaml against the repository that contains it', async () => {
    const work = tempDir('meridian-example-native-');
    const stateDir = path.join(work, 'state');
    const deployRoot = path.join(work, 'deploy');

    const outcome = await meridian(['run', '-f', 'examples/service-x/meridian.yaml', '--state-dir', stateDir, '--json'], { DEPLOY_ROOT: deployRoot });

    expectExit(outcome, 0);
    const summary = parseSummary(outcome.stdout);
    expectAllSucceeded(summary);
    expectDeployed(deployRoot);

    // The build is the example's buildspec: its JUnit report and its exported release id,
    // which the prepare actions use as the release folder name.
    const build = summary.stages.find((stage) => stage.name === 'Build')?.actions[0] as ActionSummary & {
      outputVariables: Record<string, string>;
      reports?: Array<{ name: string; totals: { total: number; passed: number; failed: number } }>;
    };
    expect(build.reports?.[0]).toMatchObject({ name: 'service-tests', totals: { failed: 0 } });
    expect(build.reports?.[0]?.totals.total).toBeGreaterThanOrEqual(4);
    const releaseId = build.outputVariables.RELEASE_ID ?? '';
    expect(releaseId).toMatch(/^r-[0-9a-f]{12}-1$/);
    for (const region of REGIONS) {
      expect(readlinkSync(path.join(deployRoot, region, 'current'))).toBe(`releases/${releaseId}`);
      // meridian package ran once per region, into that region's store.
      const packaged = readFileSync(path.join(deployRoot, region, 'current', 'serverless.packaged.yaml'), 'utf8');
      const key = /CodeUri: s3:\/\/meridian-[a-z0-9-]+\/([0-9a-f]{32})/.exec(packaged)?.[1];
      expect(key, packaged).toBeDefined();
      expect(lstatSync(path.join(stateDir, 'stores', region, 'objects', key!)).isFile()).toBe(true);
    }
  }, RUN_TIMEOUT_MS + 10_000);

  it('runs pipeline.template.yaml once its SSM parameters exist', async () => {
    const work = tempDir('meridian-example-template-');
    const stateDir = path.join(work, 'state');
    const deployRoot = path.join(work, 'deploy');
    const repo = path.join(work, 'service-x');
    expectExit(await run('bash', [path.join(EXAMPLE, 'make-repo.sh'), repo], {}), 0);

    for (const [name, value] of [
      ['/service-x/eu/artifact-bucket', 'service-x-eu'],
      ['/service-x/us/artifact-bucket', 'service-x-us'],
      ['/service-x/au/artifact-bucket', 'service-x-au'],
    ] as const) {
      expectExit(await meridian(['params', 'put', name, value, '--state-dir', stateDir]), 0);
    }

    const outcome = await meridian(
      ['run', '-f', 'examples/service-x/pipeline.template.yaml', '--source', `source=${repo}`, '--state-dir', stateDir, '--json'],
      { DEPLOY_ROOT: deployRoot },
    );

    expectExit(outcome, 0);
    expectAllSucceeded(parseSummary(outcome.stdout));
    expectDeployed(deployRoot);
    // The template passes the source commit to the build.
    const commit = (await run('git', ['-C', repo, 'rev-parse', 'HEAD'], {})).stdout.trim();
    for (const region of REGIONS) {
      const release = JSON.parse(readFileSync(path.join(deployRoot, region, 'current', 'release.json'), 'utf8')) as { commit: string };
      expect(release.commit).toBe(commit);
    }
  }, RUN_TIMEOUT_MS + 30_000);

  it('fails the template run, naming the missing SSM parameter, when none was put', async () => {
    const stateDir = path.join(tempDir('meridian-example-noparams-'), 'state');

    const outcome = await meridian(['run', '-f', 'examples/service-x/pipeline.template.yaml', '--source', 'source=.', '--state-dir', stateDir]);

    // The execution is created and fails at once (exit 1), rather than being bad input (2).
    expectExit(outcome, 1);
    expect(`${outcome.stdout}${outcome.stderr}`).toContain('meridian params put /service-x/eu/artifact-bucket');
  }, RUN_TIMEOUT_MS + 10_000);
});
