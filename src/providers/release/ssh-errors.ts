/**
 * Turns what `ssh` prints on failure into an error that names the region, the target and
 * the fix. ssh has no machine-readable failure codes, so its stable stderr phrases are the
 * only signal there is.
 */
import { MeridianError } from '../../domain/errors.js';

interface Where {
  region: string;
  description: string;
  host: string;
  port?: number;
  config: { sshKey?: string; knownHosts?: string };
}

export function sshError(exitCode: number | null, stderr: string, where: Where): MeridianError {
  const said = stderr.trim().split(/\r?\n/).slice(-3).join(' ').trim();
  const head = `${where.region}: release target ${where.description}`;
  const details = { region: where.region, target: where.description, exitCode, stderr: said };
  // GNU tar reports a short write on a full disk as "Wrote only N of M bytes".
  if (/No space left on device|Disk quota exceeded|Wrote only \d+ of \d+ bytes/i.test(stderr)) {
    return new MeridianError('ACTION_FAILED', `${head}: the disk is full (${said}); free space on ${where.host} or lower keep`, { details });
  }
  if (exitCode !== 255) {
    return new MeridianError('ACTION_FAILED', `${head}: a command failed with exit code ${String(exitCode)}: ${said}`, { details });
  }
  if (/Host key verification failed|host key .* not known|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) {
    const file = where.config.knownHosts ?? '~/.ssh/known_hosts';
    const scan = `ssh-keyscan${where.port === undefined ? '' : ` -p ${where.port}`} ${where.host} >> ${file}`;
    return new MeridianError(
      'ACTION_FAILED',
      `${head}: the host key of ${where.host} is not trusted (${said}); check it and add it with \`${scan}\`, or set strictHostKeyChecking: false to skip the check`,
      { details },
    );
  }
  if (/Permission denied|Too many authentication failures/i.test(stderr)) {
    const key = where.config.sshKey ?? 'your key';
    return new MeridianError(
      'ACTION_FAILED',
      `${head}: ${where.host} refused the key ${key} (${said}); add its public key to the user's ~/.ssh/authorized_keys there, or set sshKey`,
      { details },
    );
  }
  return new MeridianError('ACTION_FAILED', `${head}: cannot reach ${where.host} (${said}); check the host name, port and network, and that sshd runs there`, {
    details,
    retryable: true,
  });
}
