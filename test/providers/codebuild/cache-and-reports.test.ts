import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestContext } from '../context.js';
import { makeTempDir } from '../context.js';
import { failed, FIXTURES, output, runBuildspec, succeeded } from './build.js';

/** One cache folder per region shared by several builds, as the agent's is. */
async function sharedCache(): Promise<{ root: string; use: (test: TestContext) => void }> {
  const root = await makeTempDir('meridian-cache-');
  return {
    root,
    use: (test) => {
      test.ctx.cacheDir = async (key) => {
        await mkdir(join(root, key), { recursive: true });
        return join(root, key);
      };
    },
  };
}

const CACHED = `version: 0.2
phases:
  install:
    commands:
      - if [ -f deps/installed ]; then echo "cache hit $(cat deps/installed)"; else mkdir -p deps/nested && echo "$CODEBUILD_BUILD_NUMBER" > deps/installed && echo fresh > deps/nested/file && echo "cache miss"; fi
  build:
    commands:
      - echo build $FAIL_BUILD
      - test -z "$FAIL_BUILD"
cache:
  paths:
    - deps/**/*
    - /var/cache/elsewhere/**/*
`;

describe('codebuild: cache (CB-SPEC cache)', () => {
  it('restores paths saved by an earlier successful build of the same project', async () => {
    const cache = await sharedCache();
    const first = await runBuildspec(CACHED, { configuration: { ProjectName: 'cached' }, prepare: cache.use });
    succeeded(first);
    expect(output(first.log)).toEqual(['cache miss', 'build']);
    expect(first.log).toContain('Saved cache for deps');
    expect(first.log).toContain('Not caching /var/cache/elsewhere/**/*: it is outside the source folder');
    const second = await runBuildspec(CACHED, { configuration: { ProjectName: 'cached' }, prepare: cache.use });
    succeeded(second);
    expect(output(second.log)).toEqual(['cache hit 1', 'build']);
    expect(await readFile(join(second.test.ctx.inputs.get('src')!, 'deps/nested/file'), 'utf8')).toBe('fresh\n');
    const other = await runBuildspec(CACHED, { configuration: { ProjectName: 'another-project' }, prepare: cache.use });
    expect(output(other.log)[0]).toBe('cache miss');
  });

  it('a failed build does not save the cache', async () => {
    const cache = await sharedCache();
    const run = await runBuildspec(CACHED, {
      configuration: { ProjectName: 'p', EnvironmentVariables: '[{"name":"FAIL_BUILD","value":"1"}]' },
      prepare: cache.use,
    });
    failed(run);
    expect(run.log).not.toContain('Saved cache');
    const next = await runBuildspec(CACHED, { configuration: { ProjectName: 'p' }, prepare: cache.use });
    expect(output(next.log)[0]).toBe('cache miss');
  });

  // Skipped as root (CI runs as root): root reads everything, so the permission cannot be taken
  // away. The next test covers an unusable cache in a way that holds for root too.
  it.skipIf(userInfo().uid === 0)('an unreadable cache is a warning, and the build goes on without it', async () => {
    const cache = await sharedCache();
    succeeded(await runBuildspec(CACHED, { configuration: { ProjectName: 'locked' }, prepare: cache.use }));
    await chmod(join(cache.root, 'codebuild-locked', 'cache', 'paths', 'deps'), 0o000);
    const run = await runBuildspec(CACHED, { configuration: { ProjectName: 'locked' }, prepare: cache.use });
    await chmod(join(cache.root, 'codebuild-locked', 'cache', 'paths', 'deps'), 0o755);
    succeeded(run);
    expect(run.log).toContain('Warning: cache for deps could not be restored');
  });

  it('a cache entry that is not what it should be is a warning, never a failure', async () => {
    const cache = await sharedCache();
    // A file where the cached folder should be: cp cannot put a file over the build's folder.
    const entry = join(cache.root, 'codebuild-broken', 'cache', 'paths');
    await mkdir(entry, { recursive: true });
    await writeFile(join(entry, 'deps'), 'not a folder');
    const run = await runBuildspec(CACHED, { configuration: { ProjectName: 'broken' }, files: { 'deps/keep': 'x' }, prepare: cache.use });
    succeeded(run);
    expect(run.log).toContain('Warning: cache for deps could not be restored');
  });
});

describe('codebuild: reports (CB-SPEC reports)', () => {
  async function withReports(extra: Record<string, string> = {}): Promise<string> {
    const dir = await makeTempDir('meridian-reports-');
    await copyFile(join(FIXTURES, 'junit.xml'), join(dir, 'junit.xml'));
    await copyFile(join(FIXTURES, 'cucumber.json'), join(dir, 'cucumber.json'));
    for (const [name, text] of Object.entries(extra)) await writeFile(join(dir, name), text);
    return dir;
  }

  it('reads a JUnit XML report into totals and failures with their messages, secrets masked', async () => {
    const reports = await withReports();
    const run = await runBuildspec(
      `version: 0.2
env:
  parameter-store:
    DB_PASSWORD: /db/password
phases:
  build:
    commands:
      - mkdir -p reports && cp ${reports}/junit.xml reports/
reports:
  unit-tests:
    files: ['**/*.xml']
    base-directory: reports
`,
      { parameters: [{ name: '/db/password', type: 'SecureString', value: 'hunter2-secret', version: 1 }] },
    );
    const [report] = succeeded(run).reports ?? [];
    expect(report).toMatchObject({
      name: 'unit-tests',
      format: 'JUNITXML',
      totals: { total: 6, passed: 2, failed: 2, errored: 1, skipped: 1 },
      durationMs: 1500,
    });
    expect(report!.failures).toEqual([
      {
        suite: 'pricing',
        name: 'rounds & truncates',
        status: 'FAILED',
        message: 'expected 10 to be 11\nAssertionError: expected 10 to be 11\n    at pricing.test.js:12:5',
      },
      { suite: 'pricing', name: 'talks to the database', status: 'ERROR', message: 'connect ECONNREFUSED with password ****' },
      { suite: 'orders', name: 'cancels', status: 'FAILED', message: 'cancel failed: <timeout>' },
    ]);
    expect(run.log).toContain('Report unit-tests: 6 tests, 2 passed, 2 failed, 1 errored, 1 skipped (1 file)');
  });

  it('reads a Cucumber JSON report: one test per scenario', async () => {
    const reports = await withReports();
    const run = await runBuildspec(
      `version: 0.2\nphases:\n  build:\n    commands:\n      - cp ${reports}/cucumber.json .\nreports:\n  features:\n    files: [cucumber.json]\n    file-format: CUCUMBERJSON\n`,
    );
    const [report] = succeeded(run).reports ?? [];
    expect(report).toMatchObject({
      name: 'features',
      format: 'CUCUMBERJSON',
      totals: { total: 3, passed: 1, failed: 1, errored: 0, skipped: 1 },
      durationMs: 10,
    });
    expect(report!.failures).toEqual([
      { suite: 'Checkout', name: 'pays by voucher', status: 'FAILED', message: 'the voucher is accepted failed: expected accepted, got expired' },
    ]);
  });

  it('a failing test command fails the build, and its reports are still read (CB-PH: reports after BUILD)', async () => {
    const reports = await withReports({ 'broken.xml': '<testsuite><testcase' });
    const run = await runBuildspec(
      `version: 0.2\nphases:\n  build:\n    commands:\n      - cp ${reports}/junit.xml ${reports}/broken.xml .\n      - exit 1\nreports:\n  unit:\n    files: ['*.xml']\n  other:\n    files: ['*.trx']\n    file-format: VISUALSTUDIOTRX\n`,
    );
    const error = failed(run);
    expect((error.details.reports as Array<{ totals: { total: number } }>)[0]!.totals.total).toBe(6);
    expect(run.log).toMatch(/Warning: report group unit: broken\.xml could not be read as JUNITXML: line \d+, column \d+/);
    expect(run.log).toContain('Warning: report group other: Meridian reads JUNITXML and CUCUMBERJSON reports, not VISUALSTUDIOTRX; skipped');
  });
});
