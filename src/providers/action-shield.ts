/**
 * Keeps what Meridian holds out of reach of the code actions run. An action runs as the same
 * user as Meridian, so without this it could read Meridian's own environment and command line
 * from /proc (`MERIDIAN_TOKEN`, `MERIDIAN_MASTER_KEY`, an agent's `--token`), or those of the
 * processes that started it (`npx`, a shell), and the master key file beside the state dir.
 *
 * On Linux the action's program starts in a mount namespace of its own (`unshare`), where the
 * /proc entries of Meridian and of each of its ancestors (and of each of their threads) are
 * covered by an empty tmpfs and each hidden file by /dev/null, then `exec`s: same pid, same
 * process group, same user (when Meridian is not root, a user namespace maps it to itself).
 * Where namespaces are not available (not Linux, no `unshare`, user namespaces disabled) the
 * action runs as before, and `actionShield()` says so for `serve` to print. Set
 * MERIDIAN_ACTION_SHIELD=off to turn it off. docs/security.md has the boundary.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const hiddenFiles = new Set<string>();

/** Makes `file` read as empty for every action started from now on (the master key). */
export function hideFromActions(file: string): void {
  hiddenFiles.add(path.resolve(file));
}

export type ShieldMode = 'root' | 'user' | 'off' | 'unavailable';

let mode: ShieldMode | undefined;

/** Whether actions run shielded, and how: probed once, by shielding `true`. */
export function actionShield(): ShieldMode {
  if (mode !== undefined) return mode;
  if (process.env.MERIDIAN_ACTION_SHIELD === 'off') return (mode = 'off');
  if (process.platform !== 'linux') return (mode = 'unavailable');
  const candidate: ShieldMode = process.getuid?.() === 0 ? 'root' : 'user';
  const probe = wrap(candidate, 'true', []);
  const result = spawnSync(probe.file, probe.args, { stdio: 'ignore', timeout: 10_000 });
  return (mode = result.status === 0 ? candidate : 'unavailable');
}

/** The program and arguments that run `file args` shielded (or as they are, when the shield is off or unavailable). */
export function shielded(file: string, args: readonly string[]): { file: string; args: string[] } {
  const current = actionShield();
  return current === 'root' || current === 'user' ? wrap(current, file, args) : { file, args: [...args] };
}

/**
 * Mounts over each path given before `--`, then execs the rest. A /proc entry that is gone by
 * now (a thread that ended) is skipped; any other mount that fails stops the action (125).
 */
const MOUNTS = `while [ "$1" != "--" ]; do
  case "$1" in
    /proc/*) [ -e "$1" ] || { shift; continue; }; mount -t tmpfs -o size=4k,mode=555 meridian-shield "$1" ;;
    *) mount --bind /dev/null "$1" ;;
  esac || { echo "meridian: cannot hide $1 from the action" >&2; exit 125; }
  shift
done
shift
exec "$@"`;

function wrap(current: 'root' | 'user', file: string, args: readonly string[]): { file: string; args: string[] } {
  const covered = [...hiddenProcEntries(), ...[...hiddenFiles].filter((f) => fs.existsSync(f))];
  const command =
    current === 'root' ? [file, ...args] : ['unshare', `--map-user=${process.getuid?.() ?? 0}`, `--map-group=${process.getgid?.() ?? 0}`, '--', file, ...args];
  const namespace = current === 'root' ? ['--mount', '--propagation', 'private'] : ['--map-root-user', '--mount', '--propagation', 'private'];
  return { file: 'unshare', args: [...namespace, '--', 'sh', '-c', MOUNTS, 'meridian-shield', ...covered, '--', ...command] };
}

/** /proc/<pid> of this process and each ancestor but init, and /proc/<tid> of each of their threads (readable by thread id too). */
function hiddenProcEntries(): string[] {
  const entries: string[] = [];
  for (const pid of lineage()) {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`).filter((tid) => tid !== String(pid));
    } catch {
      // Gone, or not ours to read: nothing of it to hide.
    }
    entries.push(`/proc/${pid}`, ...tasks.map((tid) => `/proc/${tid}`));
  }
  return entries;
}

let ancestry: { parent: number; pids: number[] } | undefined;

/**
 * This process and its ancestors but init, read once and again only when this process's
 * parent changes (it died, and this process was re-parented): threads come and go, and are
 * read for every action, but the chain of parents does not.
 */
function lineage(): number[] {
  if (ancestry?.parent === process.ppid) return ancestry.pids;
  const pids: number[] = [];
  let pid = process.pid;
  for (let depth = 0; pid > 1 && depth < 64; depth++) {
    pids.push(pid);
    pid = parentOf(pid);
  }
  ancestry = { parent: process.ppid, pids };
  return pids;
}

function parentOf(pid: number): number {
  try {
    const match = /^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}
