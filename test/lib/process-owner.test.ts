/**
 * An owner id names one process, not a pid: a later process given the same pid (a restart in
 * a container gives Meridian the same small pid every time) is not the owner, so the
 * executions of the dead one are adopted. Real processes, their real /proc entries.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isOwnerAlive, makeOwnerId } from '../../src/lib/process-owner.js';
import { processStart } from '../../src/lib/process-groups.js';

function sleeper(): number {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  onTestFinished(() => void child.kill('SIGKILL'));
  return child.pid!;
}

describe('an owner id', () => {
  it('holds when its process started, and this process is its own owner', () => {
    const owner = makeOwnerId();
    const [host, pid, nonce, start] = owner.split(':');
    expect([host, Number(pid), nonce]).toEqual([os.hostname(), process.pid, expect.stringMatching(/^[0-9a-f]{6}$/)]);
    expect(start).toBe(processStart(process.pid));
    expect(start).toMatch(/^[0-9a-f]{8}\.\d+$/);
    expect(isOwnerAlive(owner)).toBe(true);
  });

  it('is dead when its pid now names a process that started at another time, this one included', () => {
    const pid = sleeper();
    const [boot, ticks] = processStart(pid)!.split('.');
    expect(isOwnerAlive(`${os.hostname()}:${pid}:abcdef:${boot}.${ticks}`)).toBe(true);
    // The owner recorded had this pid before the process now holding it started.
    expect(isOwnerAlive(`${os.hostname()}:${pid}:abcdef:${boot}.${Number(ticks) - 1}`)).toBe(false);
    // In an earlier boot.
    expect(isOwnerAlive(`${os.hostname()}:${pid}:abcdef:00000000.${ticks}`)).toBe(false);
    // This process's pid, held by an earlier Meridian (before this change: alive, never adopted).
    const [, mine] = processStart(process.pid)!.split('.');
    expect(isOwnerAlive(`${os.hostname()}:${process.pid}:abcdef:${boot}.${Number(mine) - 1}`)).toBe(false);
  });

  it('without a start stamp (an earlier Meridian) is judged by its pid; on another host it is presumed alive', () => {
    const pid = sleeper();
    expect(isOwnerAlive(`${os.hostname()}:${pid}:abcdef`)).toBe(true);
    expect(isOwnerAlive(`${os.hostname()}:999999999:abcdef`)).toBe(false);
    expect(isOwnerAlive(`another-host:${pid}:abcdef:00000000.1`)).toBe(true);
    expect(isOwnerAlive(null)).toBe(false);
  });
});
