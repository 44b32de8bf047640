/**
 * What a program leaves running in its process group when it exits (`sleep 600 &`, a server
 * started in the background). Commands, CodeBuild and every other program an action runs end
 * them, as CodeBuild does when its build container goes away, and say so in the action's log:
 * which pids, which group, and whether SIGTERM was enough. A release hook that exits 0 keeps
 * them instead: they are the service it started (runProcess's `leftovers: 'keep-on-success'`).
 *
 * A process that left the group (`setsid`, a daemon that double-forks into a session of its
 * own) is out of reach of this: only the group is known.
 */
import fs from 'node:fs';
import { endProcessGroup, groupMembers, type ProcessGroup } from '../lib/process-groups.js';

/**
 * Ends what is left in the group of `pid`, the program that just exited, and writes one line
 * to `note` when there was something to end. `group` is the group's identity taken at spawn;
 * without it (no /proc) the group is killed blindly, as before there was a way to tell.
 */
export async function endLeftovers(
  pid: number | undefined,
  group: ProcessGroup | undefined,
  program: string,
  graceMs: number,
  note?: (text: string) => void,
): Promise<void> {
  if (pid === undefined) return;
  if (group === undefined) {
    killQuietly(-pid, 'SIGKILL');
    return;
  }
  // Most programs leave nothing: one signal 0 says so without reading all of /proc.
  if (!groupExists(pid)) return;
  const members = groupMembers(group);
  if (members.length === 0) return;
  // Named before they end: a process that is gone has no name left to read.
  const named = members.map((member) => `${member}${commandName(member)}`).join(', ');
  const how = await endProcessGroup(group, graceMs);
  // `gone`: they ended on their own between the look and the signal; nothing was ended.
  if (how !== 'terminated' && how !== 'killed') return;
  const plural = members.length === 1 ? 'process' : 'processes';
  const ended = how === 'terminated' ? 'with SIGTERM' : `with SIGKILL ${graceMs / 1000} s after SIGTERM`;
  note?.(`[Meridian] ended ${members.length} ${plural} that ${program} left running in its process group ${group.pgid} (pid ${named}), ${ended}\n`);
}

/** ` (sleep)`: the process's name, or nothing when it cannot be read. */
function commandName(pid: number): string {
  try {
    return ` (${fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()})`;
  } catch {
    return '';
  }
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of the group runs as another user (a build's `run-as`); it exists.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
