/**
 * The process groups an attempt's programs lead, told apart from later processes that reuse
 * their pid: a group is named by its pgid, the host it runs on, and when its leader started
 * (the boot id and the start time in clock ticks from /proc/<pid>/stat). Ending one sends
 * SIGTERM to the whole group, waits up to a grace, then sends SIGKILL. Linux only: where
 * /proc is absent a group cannot be identified, and it is left alone rather than risk
 * killing a stranger that got the same pid.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { ProcessGroup } from '../domain/jobs/job-host.js';

export type { ProcessGroup };

/** How ending a group went: it ended on SIGTERM, needed SIGKILL, was already gone, runs on another host, or cannot be checked here (no /proc). */
export type GroupEnd = 'terminated' | 'killed' | 'gone' | 'elsewhere' | 'unknown';

/** Between SIGTERM and SIGKILL when ending the groups of an attempt whose Meridian died (docs/several-machines.md). */
export const ATTEMPT_END_GRACE_MS = 10_000;

const POLL_MS = 50;
/** After SIGKILL: how long to wait for the kernel to take the group down. */
const KILL_WAIT_MS = 2_000;

export function thisHost(): string {
  return os.hostname();
}

/** The identity of the group that process `pid` leads, or undefined when it cannot be read (gone, or no /proc). */
export function processGroupOf(pid: number): ProcessGroup | undefined {
  const stat = readStat(pid);
  const boot = bootId();
  if (!stat || boot === undefined) return undefined;
  return { pgid: pid, host: thisHost(), started: `${boot}:${stat.startTicks}` };
}

/**
 * When process `pid` started, as `BOOT.TICKS` (the first 8 characters of the boot id, the start
 * time in clock ticks), or undefined when it cannot be read (gone, or no /proc). A later
 * process given the same pid, in this boot or another, has another stamp.
 */
export function processStart(pid: number): string | undefined {
  const stat = readStat(pid);
  const boot = bootId();
  if (!stat || boot === undefined) return undefined;
  return `${boot.slice(0, 8)}.${stat.startTicks}`;
}

/** The pids still running in `group` (zombies do not count: they run nothing). */
export function groupMembers(group: ProcessGroup): number[] {
  const [boot, ticksText] = group.started.split(':');
  const ticks = Number(ticksText);
  if (boot !== bootId()) return [];
  const leader = readStat(group.pgid);
  // The leader's pid now names another process: the pid was free, so the old group had ended.
  if (leader && leader.startTicks !== ticks) return [];
  const members: number[] = [];
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    // A member started after its leader; an older process with this pgid belongs to another group.
    if (stat && stat.pgrp === group.pgid && stat.state !== 'Z' && stat.state !== 'X' && stat.startTicks >= ticks) members.push(Number(entry));
  }
  return members;
}

/** Ends `group` on this host: SIGTERM, up to `graceMs` for it to exit, then SIGKILL. */
export async function endProcessGroup(group: ProcessGroup, graceMs: number): Promise<GroupEnd> {
  if (group.host !== thisHost()) return 'elsewhere';
  if (!fs.existsSync('/proc/self/stat')) return 'unknown';
  if (groupMembers(group).length === 0) return 'gone';
  signalGroup(group.pgid, 'SIGTERM');
  if (await waitUntilGone(group, graceMs)) return 'terminated';
  signalGroup(group.pgid, 'SIGKILL');
  await waitUntilGone(group, KILL_WAIT_MS);
  return 'killed';
}

async function waitUntilGone(group: ProcessGroup, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  for (;;) {
    if (groupMembers(group).length === 0) return true;
    if (performance.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group ended meanwhile.
  }
}

interface Stat {
  state: string;
  pgrp: number;
  startTicks: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: the fields that follow start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 of proc(5) (state), fields[2] field 5 (pgrp), fields[19] field 22 (starttime).
  const [state, pgrp, startTicks] = [fields[0], Number(fields[2]), Number(fields[19])];
  if (state === undefined || !Number.isInteger(pgrp) || !Number.isInteger(startTicks)) return undefined;
  return { state, pgrp, startTicks };
}

let boot: string | undefined;

function bootId(): string | undefined {
  try {
    boot ??= fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
  return boot;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
