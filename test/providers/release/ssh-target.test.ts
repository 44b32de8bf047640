import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { releaseProvider } from '../../../src/providers/release/index.js';
import { MeridianError } from '../../../src/domain/errors.js';
import { logShows, makeTempDir } from '../context.js';
import { makeArtifact, releaseContext } from './fixture.js';
import { sshProcesses, watchMasters, type SshProcess } from './ssh-processes.js';
import { startSshd, sshdAvailable, type Sshd } from './sshd.js';

// Skipped only where Debian's openssh-server is missing and cannot be set up (not root);
// .ci/run installs it.
describe.skipIf(!sshdAvailable)('release provider over SSH to a real sshd', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd.stop();
  });
  const target = (root: string): string => `ssh://${sshd.user}@127.0.0.1:${sshd.port}${root}`;

  it('prepares, activates, deploys, prunes, and rolls back a failed health check', { timeout: 60_000 }, async () => {
    const root = await makeTempDir();
    const base = { target: target(root), sshKey: sshd.userKey, knownHosts: sshd.knownHosts, keep: 1, shared: ['logs'] };
    const hooks = { activate: `echo "activated $RELEASE_ID prev=$PREVIOUS_RELEASE" >> "$TARGET_ROOT/activations"` };
    const healthCheck = { command: 'grep -q good index.html', retries: 1, timeoutSeconds: 30 };

    const prepare = await releaseContext({ ...base, mode: 'prepare', releaseId: 'v1' }, await makeArtifact("it's good 1", { 'sub dir/a.txt': 'a' }));
    await releaseProvider.run(prepare.ctx);
    expect(prepare.log()).toContain('Uploading');
    await expect(readlink(join(root, 'current'))).rejects.toThrow();
    const activate = await releaseContext({ ...base, mode: 'activate', hooks, healthCheck }, undefined);
    await releaseProvider.run(activate.ctx);
    expect(activate.log()).toContain('Switched current to v1');
    expect(activate.log()).toContain('Health check 1/1: passed');
    expect(await readFile(join(root, 'current', 'sub dir', 'a.txt'), 'utf8')).toBe('a');
    expect(await readlink(join(root, 'current', 'logs'))).toBe(join(root, 'shared', 'logs'));

    await releaseProvider.run((await releaseContext({ ...base, releaseId: 'v2', hooks, healthCheck }, await makeArtifact('good 2'), 'exec-2')).ctx);
    expect(await readlink(join(root, 'current'))).toBe('releases/v2');
    expect((await readdir(join(root, 'releases'))).sort()).toEqual(['v2']);

    const bad = await releaseContext({ ...base, releaseId: 'v3', hooks, healthCheck }, await makeArtifact('bad 3'), 'exec-3');
    await expect(releaseProvider.run(bad.ctx)).rejects.toThrow(
      /eu-west-1: release v3 failed on ssh:\/\/.* rolled back to v2: .*grep -q good index.html. exited with 1/,
    );
    expect(await readlink(join(root, 'current'))).toBe('releases/v2');
    expect(await readFile(join(root, 'activations'), 'utf8')).toBe(
      `activated v1 prev=\nactivated v2 prev=${root}/releases/v1\nactivated v3 prev=${root}/releases/v2\nactivated v2 prev=${root}/releases/v3\n`,
    );
  });

  /** The master connections an action made: each gone, its socket folder too. */
  const expectNothingLeft = (masters: SshProcess[]): void => {
    for (const master of masters) {
      expect(existsSync(`/proc/${master.pid}`), `ssh master ${master.pid} still runs`).toBe(false);
      expect(master.controlPath, 'the master has a ControlPath').toBeDefined();
      expect(existsSync(join(master.controlPath ?? '', '..')), `${master.controlPath ?? ''} is still there`).toBe(false);
    }
    expect(sshProcesses(sshd.port)).toEqual([]);
  };

  it('makes one connection for a whole deploy and leaves no ssh process nor socket behind', { timeout: 60_000 }, async () => {
    const root = await makeTempDir();
    const config = {
      target: target(root),
      sshKey: sshd.userKey,
      knownHosts: sshd.knownHosts,
      releaseId: 'v1',
      shared: ['logs'],
      hooks: { beforeActivate: 'true', activate: 'true', afterActivate: 'true' },
      healthCheck: { command: 'grep -q good index.html', retries: 1 },
    };
    const before = sshd.connections();
    const watch = watchMasters(sshd.port);
    const deploy = await releaseContext(config, await makeArtifact('good 1'));
    await releaseProvider.run(deploy.ctx);
    const masters = watch.stop();
    // A deploy is about twenty operations (exists, upload, links, rename, hooks, health check, prune...).
    expect(sshd.connections() - before).toBe(1);
    expect(masters).toHaveLength(1);
    expectNothingLeft(masters);
    expect(await readlink(join(root, 'current'))).toBe('releases/v1');
  });

  it('closes the connection when the action is stopped, after rolling back over it', { timeout: 60_000 }, async () => {
    const root = await makeTempDir();
    const base = { target: target(root), sshKey: sshd.userKey, knownHosts: sshd.knownHosts };
    // v2's activate hook hangs until the stop; v1's, run again by the rollback, does not.
    const hooks = { activate: 'if [ "$RELEASE_ID" = v2 ]; then sleep 5; fi' };
    await releaseProvider.run((await releaseContext({ ...base, releaseId: 'v1', hooks }, await makeArtifact('one'))).ctx);
    const watch = watchMasters(sshd.port);
    const stopped = await releaseContext({ ...base, releaseId: 'v2', hooks }, await makeArtifact('two'), 'exec-2');
    const running = releaseProvider.run(stopped.ctx);
    await logShows(stopped, 'Running activate hook for v2');
    stopped.abort(new MeridianError('ACTION_FAILED', 'stopped by the test'));
    await expect(running).rejects.toThrow(/stopped by the test/);
    const masters = watch.stop();
    expect(stopped.log()).toContain('Switched current back to v1');
    expect(await readlink(join(root, 'current'))).toBe('releases/v1');
    expect(masters).toHaveLength(1);
    expectNothingLeft(masters);
  });

  it('refuses an unknown host key unless strictHostKeyChecking is false', async () => {
    const root = await makeTempDir();
    const empty = join(await makeTempDir(), 'known_hosts');
    await writeFile(empty, '');
    const strict = await releaseContext({ target: target(root), sshKey: sshd.userKey, knownHosts: empty, releaseId: 'v1' }, await makeArtifact('one'));
    await expect(releaseProvider.run(strict.ctx)).rejects.toThrow(
      /eu-west-1: release target ssh:\/\/.*: the host key of 127\.0\.0\.1 is not trusted .*ssh-keyscan -p \d+ 127\.0\.0\.1/,
    );
    await expect(readdir(join(root, 'releases'))).rejects.toThrow();

    // With the opt-out the connection gets through, up to the missing release.
    const optOut = await releaseContext(
      { target: target(root), sshKey: sshd.userKey, knownHosts: empty, strictHostKeyChecking: 'false', mode: 'activate', releaseId: 'v9' },
      undefined,
    );
    await expect(releaseProvider.run(optOut.ctx)).rejects.toThrow(/release v9 is not prepared on ssh:/);
    expect(optOut.log()).toContain('Warning: strictHostKeyChecking is false');
  });

  it('names the region, target and fix when the key is refused', async () => {
    const root = await makeTempDir();
    const test = await releaseContext({ target: target(root), sshKey: sshd.strangerKey, knownHosts: sshd.knownHosts }, await makeArtifact('one'));
    await expect(releaseProvider.run(test.ctx)).rejects.toThrow(
      /eu-west-1: release target ssh:\/\/.*: 127\.0\.0\.1 refused the key .*stranger_key .*authorized_keys/,
    );
    expect(sshProcesses(sshd.port)).toEqual([]);
  });

  // A real full disk on the target host: a 1 MiB tmpfs (mounting needs root, which CI has).
  it.skipIf(process.getuid?.() !== 0)(
    'names the region, target and fix when the target disk is full, and leaves the live release alone',
    { timeout: 60_000 },
    async () => {
      const root = await makeTempDir();
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=1777', 'meridian-full-disk', root]);
      onTestFinished(() => {
        execFileSync('umount', [root]);
      });
      const base = { target: target(root), sshKey: sshd.userKey, knownHosts: sshd.knownHosts };
      await releaseProvider.run((await releaseContext({ ...base, releaseId: 'v1' }, await makeArtifact('one'))).ctx);
      const full = await releaseContext({ ...base, releaseId: 'v2' }, await makeArtifact('two', { 'big.bin': 'x'.repeat(2 * 1024 * 1024) }), 'exec-2');
      await expect(releaseProvider.run(full.ctx)).rejects.toThrow(
        /^eu-west-1: release target ssh:\/\/.*: the disk is full .*; free space on 127\.0\.0\.1 or lower keep$/,
      );
      expect(await readFile(join(root, 'current', 'index.html'), 'utf8')).toBe('one');
      expect(await readdir(join(root, 'releases'))).toEqual(['v1']);
    },
  );

  it('names the region, target and fix when the host is unreachable', async () => {
    const test = await releaseContext(
      { target: `ssh://nobody@127.0.0.1:1/srv/app`, sshKey: sshd.userKey, knownHosts: sshd.knownHosts },
      await makeArtifact('one'),
    );
    await expect(releaseProvider.run(test.ctx)).rejects.toThrow(
      /eu-west-1: release target ssh:\/\/nobody@127\.0\.0\.1:1\/srv\/app: cannot reach 127\.0\.0\.1 .*sshd runs there/,
    );
  });
});
