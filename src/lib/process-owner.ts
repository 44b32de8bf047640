import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { processStart } from './process-groups.js';

/**
 * `host:pid:nonce:start`: who drives an execution or holds a job. `start` (lib/process-groups.ts,
 * `processStart`) tells this process apart from a later one given the same pid, as happens
 * after a restart in a container, where Meridian gets the same small pid every time; it is left
 * out where /proc is absent.
 */
export function makeOwnerId(): string {
  const start = processStart(process.pid);
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}${start === undefined ? '' : `:${start}`}`;
}

/**
 * Whether the process named by an owner id still runs. Only a process on this host can be
 * checked; one on another host is assumed alive (its lease expiry will tell, later). An owner
 * id with a start stamp is alive only while its pid names a process that started then; one
 * without (made where /proc is absent, or by an earlier Meridian) only by its pid.
 */
export function isOwnerAlive(owner: string | null): boolean {
  if (!owner) return false;
  const [host, pidText, , start] = owner.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid)) return true;
  if (start !== undefined) {
    const now = processStart(pid);
    if (now !== undefined || processStart(process.pid) !== undefined) return now === start;
  }
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
