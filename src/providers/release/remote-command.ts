/**
 * The script a command runs in on an SSH target, so that it behaves as on a local target
 * (docs/formats.md, "Services started by hooks"):
 *
 * - the command leads a process group of its own (`setsid`, where the host has it); when it
 *   exits 0 and may keep what it leaves running (a hook's service), that stays; otherwise the
 *   group is ended (SIGTERM, then SIGKILL two seconds later) and a line says so;
 * - the session ends when the command does, even when a process it left running holds its
 *   output open (`nohup server &` without a redirection), which would otherwise keep sshd's
 *   channel, and the action, open for as long as that process lives: the output goes through
 *   a relay (`cat`) that is stopped at most a second after the command ends, as a local target
 *   stops reading. A process still writing there then gets SIGPIPE, as it would locally.
 */
import type { Leftovers } from '../child-process.js';

/** Single-quotes a word for a POSIX shell. */
export function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

const WRAPPER = `exec 3> >(exec cat)
relay=$!
if command -v setsid >/dev/null 2>&1; then setsid bash -c "$1" >&3 2>&3 </dev/null & else bash -c "$1" >&3 2>&3 </dev/null & fi
pid=$!
wait "$pid"
code=$?
if [ "$code" -ne 0 ] || [ "$2" != keep-on-success ]; then
  pids=$(pgrep -g "$pid" 2>/dev/null | tr '\\n' ' ')
  if kill -TERM -- "-$pid" 2>/dev/null; then
    how=SIGTERM
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -KILL -- "-$pid" 2>/dev/null; then how="SIGKILL 2 s after SIGTERM"; fi
    echo "[Meridian] ended what the command left running in its process group $pid on the host (pid \${pids% }), with $how" >&3
  fi
fi
exec 3>&-
for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$relay" 2>/dev/null || break; sleep 0.1; done
kill "$relay" 2>/dev/null
exit "$code"`;

/** The remote command line that runs `command` in `cwd` with `env`. */
export function remoteCommand(command: string, cwd: string, env: Record<string, string>, leftovers: Leftovers): string {
  const exports = Object.entries(env).map(([name, value]) => `export ${name}=${quote(value)}`);
  const script = [...exports, `cd ${cwd} || exit 1`, WRAPPER].join('\n');
  return `bash -c ${quote(script)} meridian-command ${quote(command)} ${leftovers}`;
}
