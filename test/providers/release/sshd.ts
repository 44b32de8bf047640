/**
 * A real OpenSSH server on a free loopback port with a throwaway host key and user key, for
 * the release provider's SSH tests. `.ci/run` installs Debian's openssh-server.
 */
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SSHD = ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((path) => existsSync(path));
/** sshd refuses to start without its privilege separation folder, which only root can create. */
const PRIVSEP_DIR = '/run/sshd';

export const sshdAvailable = SSHD !== undefined && (existsSync(PRIVSEP_DIR) || process.getuid?.() === 0);

export interface Sshd {
  port: number;
  user: string;
  dir: string;
  /** The user key whose public half is in authorized_keys. */
  userKey: string;
  /** A key the server does not know. */
  strangerKey: string;
  /** Holds the server's host key. */
  knownHosts: string;
  /** Connections authenticated so far (sshd's `Accepted publickey` log lines). */
  connections(): number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startSshd(): Promise<Sshd> {
  if (SSHD === undefined) throw new Error('sshd is not installed');
  await mkdir(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(join(tmpdir(), 'meridian-sshd-'));
  const keygen = (name: string): string => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]);
    return join(dir, name);
  };
  const hostKey = keygen('host_key');
  const userKey = keygen('user_key');
  const strangerKey = keygen('stranger_key');
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${userKey}.pub`));
  const port = await freePort();
  const hostPublic = (await readFile(`${hostKey}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, `[127.0.0.1]:${port} ${hostPublic}\n`);
  const config = [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // The tests run as root.
    'PermitRootLogin prohibit-password',
    // A throwaway HOME: the machine's own ~/.bashrc (pyenv init in some sandboxes) would
    // otherwise run on every connection and cost seconds each time.
    `SetEnv HOME=${join(dir, 'home')}`,
  ];
  await mkdir(join(dir, 'home'));
  await writeFile(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start: ${said}`)), 10_000);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      said += text;
      if (said.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${String(code)}: ${said}`));
    });
  });
  const user = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
  return {
    port,
    user,
    dir,
    userKey,
    strangerKey,
    knownHosts,
    connections: () => said.split('\n').filter((line) => line.includes('Accepted publickey')).length,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
