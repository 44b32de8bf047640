import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { MeridianError } from '../../../src/domain/errors.js';
import type { ConfigValue } from '../../../src/domain/pipeline.js';
import { releaseProvider } from '../../../src/providers/release/index.js';
import { logShows, makeAction, makeTempDir } from '../context.js';
import { makeArtifact, RELEASE_TYPE, releaseContext } from './fixture.js';

async function deploy(root: string, version: string, releaseId: string, extra: Record<string, ConfigValue> = {}): Promise<string> {
  const test = await releaseContext({ target: root, releaseId, ...extra }, await makeArtifact(version));
  await releaseProvider.run(test.ctx);
  return test.log();
}

const served = (root: string): Promise<string> => readFile(join(root, 'current', 'index.html'), 'utf8');

describe('release provider on a local folder', () => {
  it('prepares in one action and activates in another action of the same execution', async () => {
    const root = await makeTempDir();
    const prepare = await releaseContext({ target: `file://${root}`, mode: 'prepare', releaseId: 'v1' }, await makeArtifact('one'));
    const prepared = await releaseProvider.run(prepare.ctx);
    expect(prepared.outputVariables).toEqual({ ReleaseId: 'v1' });
    expect(await readFile(join(root, 'releases', 'v1', 'index.html'), 'utf8')).toBe('one');
    await expect(lstat(join(root, 'current'))).rejects.toThrow();
    expect(prepare.log()).toContain('Uploading');

    // The activate action knows the release only through what its execution prepared.
    const activate = await releaseContext(
      { target: root, mode: 'activate', hooks: { activate: 'echo "started $RELEASE_ID in $PWD" > ../../started' } },
      undefined,
    );
    const result = await releaseProvider.run(activate.ctx);
    expect(result.summary).toContain('v1');
    expect(await readlink(join(root, 'current'))).toBe('releases/v1');
    expect(await readFile(join(root, 'started'), 'utf8')).toBe(`started v1 in ${join(root, 'releases', 'v1')}\n`);
    expect(activate.log()).toContain('Switched current to v1');
    expect(await readdir(join(root, '.prepared'))).toEqual([]);
  });

  it('deploys, re-prepares an existing release as a no-op, and re-activates the current one harmlessly', async () => {
    const root = await makeTempDir();
    await deploy(root, 'one', 'v1', { hooks: { activate: 'echo x >> ../../activations' } });
    expect(await served(root)).toBe('one');

    const again = await releaseContext({ target: root, mode: 'prepare', releaseId: 'v1' }, await makeArtifact('changed'));
    await releaseProvider.run(again.ctx);
    expect(again.log()).toContain('already prepared');
    expect(await served(root)).toBe('one');

    const log = await deploy(root, 'one', 'v1', { hooks: { activate: 'echo x >> ../../activations' } });
    expect(log).toContain('already current');
    expect(await readFile(join(root, 'activations'), 'utf8')).toBe('x\n');
  });

  it('links shared paths into each release', async () => {
    const root = await makeTempDir();
    await mkdir(join(root, 'shared', 'config'), { recursive: true });
    await writeFile(join(root, 'shared', 'config', 'app.env'), 'SECRET=1');
    await deploy(root, 'one', 'v1', { shared: ['logs', 'config/app.env'] });
    await writeFile(join(root, 'current', 'logs', 'app.log'), 'hello');
    await deploy(root, 'two', 'v2', { shared: JSON.stringify(['logs', 'config/app.env']) });
    expect(await readFile(join(root, 'current', 'logs', 'app.log'), 'utf8')).toBe('hello');
    expect(await readFile(join(root, 'current', 'config', 'app.env'), 'utf8')).toBe('SECRET=1');
    expect(await readlink(join(root, 'releases', 'v2', 'logs'))).toBe(join(root, 'shared', 'logs'));
  });

  it('keeps the last N releases', async () => {
    const root = await makeTempDir();
    for (const n of [1, 2, 3, 4, 5]) await deploy(root, `v${n}`, `v${n}`, { keep: 3 });
    expect((await readdir(join(root, 'releases'))).sort()).toEqual(['v3', 'v4', 'v5']);
    expect(await served(root)).toBe('v5');
  });

  it('a failing health check command switches back to the previous release and re-runs its activate hook', async () => {
    const root = await makeTempDir();
    const hooks = { activate: 'echo "$RELEASE_ID" >> ../../activations' };
    await deploy(root, 'good', 'v1', { hooks });
    const test = await releaseContext(
      {
        target: root,
        releaseId: 'v2',
        hooks,
        healthCheck: { command: 'grep -q good index.html || { echo unhealthy; exit 3; }', retries: 2, intervalSeconds: 0 },
      },
      await makeArtifact('bad'),
    );
    const error = await releaseProvider.run(test.ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MeridianError);
    expect((error as Error).message).toMatch(/eu-west-1: release v2 failed on .* rolled back to v1: .*exited with 3: unhealthy/);
    expect(await served(root)).toBe('good');
    expect(await readFile(join(root, 'activations'), 'utf8')).toBe('v1\nv2\nv1\n');
    expect(test.log()).toContain('Health check 2/2: failed');
    expect(test.log()).toContain('Switched current back to v1');
  });

  describe('with an HTTP health check', () => {
    let server: Server;
    let root: string;
    beforeAll(async () => {
      // Answers 500 while the current release is v2, 200 otherwise.
      server = createServer((_request, response) => {
        void readlink(join(root, 'current')).then(
          (link) => response.writeHead(link.endsWith('v2') ? 500 : 200).end(link),
          () => response.writeHead(503).end('no current'),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('restores the previous release when the new one answers 500', async () => {
      root = await makeTempDir();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
      const healthCheck = { url, bodyContains: 'releases', retries: 3, intervalSeconds: 0.01 };
      await deploy(root, 'one', 'v1', { healthCheck });
      const test = await releaseContext({ target: root, releaseId: 'v2', healthCheck: JSON.stringify(healthCheck) }, await makeArtifact('two'));
      await expect(releaseProvider.run(test.ctx)).rejects.toThrow(/rolled back to v1: .*answered 500, expected 200/);
      expect(await served(root)).toBe('one');
    });

    it('removes current when the first release is unhealthy', async () => {
      root = await makeTempDir();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const test = await releaseContext({ target: root, releaseId: 'v2', healthCheck: { url, retries: 1 } }, await makeArtifact('two'));
      await expect(releaseProvider.run(test.ctx)).rejects.toThrow(/no previous release, so current was removed/);
      await expect(lstat(join(root, 'current'))).rejects.toThrow();
    });
  });

  it('a failed upload leaves current untouched and no release under its final name', async () => {
    const root = await makeTempDir();
    await deploy(root, 'one', 'v1');
    const artifact = await makeArtifact('two');
    execFileSync('mkfifo', [join(artifact, 'a-pipe')]);
    const test = await releaseContext({ target: root, releaseId: 'v2' }, artifact);
    await expect(releaseProvider.run(test.ctx)).rejects.toThrow(/neither a file, a folder nor a symlink/);
    expect(await served(root)).toBe('one');
    expect((await readdir(join(root, 'releases'))).sort()).toEqual(['v1']);
  });

  it('an upload interrupted by an abort leaves current untouched and no release under its final name', async () => {
    const root = await makeTempDir();
    await deploy(root, 'one', 'v1');
    const files: Record<string, string> = {};
    for (let n = 0; n < 4000; n++) files[`assets/${n % 40}/file-${n}.txt`] = 'x'.repeat(2000);
    const test = await releaseContext({ target: root, releaseId: 'v2' }, await makeArtifact('two', files));
    const running = releaseProvider.run(test.ctx);
    await logShows(test, 'Uploading');
    test.abort(new MeridianError('ACTION_FAILED', 'stopped by the test'));
    await expect(running).rejects.toThrow(/stopped by the test/);
    expect(await served(root)).toBe('one');
    expect((await readdir(join(root, 'releases'))).sort()).toEqual(['v1']);
  });

  it('puts a relative target inside the state dir and exports where the service answers', async () => {
    const test = await releaseContext({ target: 'deploy/eu-west-1', releaseId: 'v1', url: 'http://127.0.0.1:8101' }, await makeArtifact('one'));
    const result = await releaseProvider.run(test.ctx);
    expect(await served(join(test.ctx.stateDir, 'deploy', 'eu-west-1'))).toBe('one');
    expect(result.outputVariables).toEqual({ ReleaseId: 'v1', Url: 'http://127.0.0.1:8101' });
    expect(result.summary).toMatch(/released v1 to .*deploy\/eu-west-1; answering at http:\/\/127\.0\.0\.1:8101$/);
  });

  it('a stop that lands after the switch puts the previous release back before the action ends', async () => {
    const root = await makeTempDir();
    const hooks = { activate: 'echo "$RELEASE_ID" >> ../../activations' };
    await deploy(root, 'one', 'v1', { hooks });
    // The health check never passes, so the stop lands while it is retrying.
    const healthCheck = { command: 'exit 1', retries: 1000, intervalSeconds: 0.05 };
    const test = await releaseContext({ target: root, releaseId: 'v2', hooks, healthCheck }, await makeArtifact('two'));
    const running = releaseProvider.run(test.ctx);
    await logShows(test, 'Health check 1/1000');
    expect(await served(root)).toBe('two');
    test.abort(new MeridianError('ACTION_FAILED', 'stopped and abandoned by the test'));
    await expect(running).rejects.toThrow(/stopped and abandoned by the test/);
    expect(await served(root)).toBe('one');
    expect(await readFile(join(root, 'activations'), 'utf8')).toBe('v1\nv2\nv1\n');
    expect(test.log()).toContain('Stopped after switching to v2; going back to v1');
    expect(test.log()).toContain('Switched current back to v1');
  });

  // A real full disk: a 1 MiB tmpfs as the target. Mounting needs root, which CI has.
  it.skipIf(process.getuid?.() !== 0)(
    'a full disk on the target fails with the region, the target and the fix, and leaves the live release alone',
    async () => {
      const root = await makeTempDir();
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'meridian-full-disk', root]);
      onTestFinished(() => {
        execFileSync('umount', [root]);
      });
      await deploy(root, 'one', 'v1');
      const test = await releaseContext({ target: root, releaseId: 'v2' }, await makeArtifact('two', { 'big.bin': 'x'.repeat(2 * 1024 * 1024) }));
      await expect(releaseProvider.run(test.ctx)).rejects.toThrow(
        new RegExp(`^eu-west-1: the disk of target ${root} is full .*; free space there or lower keep$`),
      );
      expect(await served(root)).toBe('one');
      expect((await readdir(join(root, 'releases'))).sort()).toEqual(['v1']);
    },
  );

  it('reports an invalid mode, a missing target and bad hooks from validate', () => {
    const problems = releaseProvider.validate?.(makeAction({ type: RELEASE_TYPE, configuration: { mode: 'switch', hooks: { restart: 'x' } } })) ?? [];
    expect(problems.map((problem) => problem.field)).toEqual(['target', 'mode', 'hooks.restart']);
    expect(problems[1]?.message).toContain('prepare, activate, deploy');
    expect(releaseProvider.validate?.(makeAction({ type: RELEASE_TYPE, configuration: { target: '/srv/app' } }))).toEqual([]);
  });
});
