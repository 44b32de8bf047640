/**
 * `run-as`: commands of a phase run as another Linux user. The current user needs nothing;
 * another user needs `runuser` (when Meridian runs as root) or password-less `sudo`. Each
 * such command runs in its own shell, so `cd` and `export` inside it do not reach later
 * commands (there is no way to switch users inside one shell).
 */
import { userInfo } from 'node:os';
import { runProcess } from '../child-process.js';

export type RunAs = { words: string[] } | { problem: string } | { same: true };

export async function resolveRunAs(user: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<RunAs> {
  const me = userInfo();
  if (user === me.username) return { same: true };
  const exists = await succeeds('id', ['-u', user], env, signal);
  if (!exists) return { problem: `run-as user ${user} does not exist on this host: create it, or remove run-as` };
  if (me.uid === 0 && (await succeeds('runuser', ['-u', user, '--', 'true'], env, signal))) return { words: ['runuser', '-u', user, '--'] };
  if (await succeeds('sudo', ['-n', '-E', '-u', user, '--', 'true'], env, signal)) return { words: ['sudo', '-n', '-E', '-u', user, '--'] };
  return {
    problem: `run-as ${user}: Meridian runs as ${me.username} and can switch users only with runuser (as root) or password-less sudo, and neither works here; remove run-as, or allow sudo -u ${user}`,
  };
}

async function succeeds(program: string, args: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<boolean> {
  try {
    return (await runProcess(program, args, { env, signal })).exitCode === 0;
  } catch (error) {
    if (signal.aborted) throw error;
    return false;
  }
}
