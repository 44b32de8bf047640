// A throwaway OpenSSH server on a free loopback port for benchmark (g), as the release
// tests start one (test/providers/release/sshd.ts): Debian's openssh-server, a host key and
// a user key in a temp folder, a throwaway HOME so that no ~/.bashrc runs per session, and
// the SFTP subsystem, which `scp` uses by default since OpenSSH 9.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './lib.mjs';

const SSHD = ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((file) => existsSync(file));
/** sshd refuses to start without its privilege separation folder, which only root can create. */
const PRIVSEP_DIR = '/run/sshd';

/** Why no sshd can run here, or undefined when one can. */
export function sshdUnavailable() {
  if (SSHD === undefined) return 'sshd is not installed (Debian: apt-get install openssh-server)';
  if (!existsSync(PRIVSEP_DIR) && process.getuid?.() !== 0) return `${PRIVSEP_DIR} is missing and only root can create it`;
  return undefined;
}

export async function startSshd(bench) {
  mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
  const dir = path.join(bench.work, 'sshd');
  mkdirSync(path.join(dir, 'home'), { recursive: true });
  const keygen = (name) => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path.join(dir, name)]);
    return path.join(dir, name);
  };
  const hostKey = keygen('host_key');
  const userKey = keygen('user_key');
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(`${userKey}.pub`));
  const port = await freePort();
  const knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
  const config = [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'Subsystem sftp internal-sftp',
    `SetEnv HOME=${path.join(dir, 'home')}`,
  ];
  writeFileSync(path.join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  const child = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  bench.atExit(() => child.kill('SIGTERM'));
  let said = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start: ${said}`)), 10_000);
    child.stderr.setEncoding('utf8').on('data', (text) => {
      said = (said + text).slice(-10_000);
      if (said.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}: ${said}`));
    });
  });
  const user = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
  // The options Meridian's release provider gives ssh for this target, so scp gets them too.
  const sshOptions = [
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-i',
    userKey,
    '-o',
    'IdentitiesOnly=yes',
  ];
  return { port, user, userKey, knownHosts, sshOptions, stop: () => child.kill('SIGTERM') };
}
