/**
 * The `ssh` processes on this machine that talk to one port, read from /proc: what a test
 * needs to see that an action made one master connection and left nothing behind.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface SshProcess {
  pid: number;
  /** Started with -M: the master connection. */
  master: boolean;
  /** The ControlPath it was given, if any. */
  controlPath?: string;
}

/** ssh processes whose arguments include `-p <port>`. */
export function sshProcesses(port: number): SshProcess[] {
  const found: SshProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (!args[0]?.endsWith('ssh')) continue;
    const portAt = args.indexOf('-p');
    if (portAt < 0 || args[portAt + 1] !== String(port)) continue;
    const controlPath = args.find((arg) => arg.startsWith('ControlPath='))?.slice('ControlPath='.length);
    found.push({ pid: Number(name), master: args.includes('-M'), controlPath });
  }
  return found;
}

/** Records every master connection to `port` seen while it runs, every 10 ms. */
export function watchMasters(port: number): { stop(): SshProcess[] } {
  const seen = new Map<number, SshProcess>();
  const look = (): void => {
    for (const process of sshProcesses(port)) if (process.master) seen.set(process.pid, process);
  };
  const timer = setInterval(look, 10);
  return {
    stop() {
      clearInterval(timer);
      return [...seen.values()];
    },
  };
}
