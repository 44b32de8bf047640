import os from 'node:os';
import { randomBytes } from 'node:crypto';

/** `host:pid:nonce`: who drives an execution or holds a job. */
export function makeOwnerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Whether the process named by an owner id still runs. Only a process on this host can be
 * checked; one on another host is assumed alive (its lease expiry will tell, later).
 */
export function isOwnerAlive(owner: string | null): boolean {
  if (!owner) return false;
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid)) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
