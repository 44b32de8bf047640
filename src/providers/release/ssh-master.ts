/**
 * One SSH connection per action. An OpenSSH ControlMaster connects and authenticates once;
 * every operation of the action then opens its session over the master's socket
 * (`ControlMaster=no`), which costs a process and a channel instead of a TCP connection, a
 * key exchange and an authentication (about 300 ms each, even on loopback).
 *
 * The master is spawned here, not through runProcess, which ends a child's process group
 * as soon as the child exits. It leads a process group of its own, so a Ctrl-C meant for
 * Meridian does not cut the connection that the rollback after a stop still needs; its
 * socket lives in a fresh folder only this user can enter. `close` ends both; should
 * Meridian exit without closing, an exit handler ends them as a last resort.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import { abortError } from '../abort.js';
import { inheritedEnvironment } from '../inherited-environment.js';

export interface SshMaster {
  /** `ssh` options that run a session over the master instead of connecting again. */
  readonly clientOptions: readonly string[];
  /** Ends the master and removes its socket; safe to call twice. */
  close(): Promise<void>;
}

/** Turns how a master that never got to listen ended, and what it said, into the error to throw. */
export type MasterFailure = (exitCode: number | null, stderr: string) => Error;

/** ConnectTimeout bounds the TCP connect; this bounds everything up to a listening master. */
const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 10;
const KILL_GRACE_MS = 2_000;
/** A socket path holds at most 108 bytes, and ssh first binds `<ControlPath>.<16 characters>`. */
const MAX_SOCKET_PATH = 88;

interface Live {
  pid: number;
  dir: string;
}
const live = new Set<Live>();
let exitHandlerInstalled = false;

export async function startMaster(sshArgs: readonly string[], signal: AbortSignal, failure: MasterFailure): Promise<SshMaster> {
  if (signal.aborted) throw abortError(signal);
  const dir = await privateDir();
  const socket = join(dir, 'master');
  // ssh expands %-tokens in ControlPath.
  const controlPath = `ControlPath=${socket.replaceAll('%', '%%')}`;
  const clientOptions = ['-o', controlPath, '-o', 'ControlMaster=no'];
  const child = spawn('ssh', ['-M', '-N', '-o', controlPath, '-o', 'ControlPersist=no', ...sshArgs], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: inheritedEnvironment(),
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  // 'close' comes after the last of stderr; 'error' alone when ssh cannot be started at all.
  const ended = new Promise<Error | undefined>((resolve) => {
    child.once('close', () => resolve(undefined));
    child.once('error', (error) =>
      resolve(new MeridianError('ACTION_FAILED', `cannot run ssh: ${error.message}; check that it is installed and on PATH`, { cause: error })),
    );
  });
  const entry: Live | undefined = child.pid === undefined ? undefined : { pid: child.pid, dir };
  if (entry) track(entry);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    // Whatever the master started (a ProxyCommand) goes with it.
    if (entry) killGroup(entry.pid, 'SIGKILL');
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (entry) {
        if (!exited) killGroup(entry.pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(entry.pid, 'SIGKILL'), KILL_GRACE_MS);
        await ended;
        clearTimeout(timer);
        live.delete(entry);
      }
      await rm(dir, { recursive: true, force: true });
    })());

  const outcome = await waitUntilListening(socket, ended, signal);
  if (outcome === 'listening') return { clientOptions, close };
  await close();
  if (outcome === 'aborted') throw abortError(signal);
  if (outcome === 'timeout') throw failure(255, `${stderr}\nno connection within ${READY_TIMEOUT_MS / 1000} s`);
  throw outcome ?? failure(child.exitCode, stderr);
}

/**
 * ssh binds and listens on a temporary name, then links the socket into place, so the
 * socket appearing means the connection is authenticated and the master accepts sessions
 * (what `ssh -O check` would confirm, without another process).
 */
function waitUntilListening(
  socket: string,
  ended: Promise<Error | undefined>,
  signal: AbortSignal,
): Promise<'listening' | 'aborted' | 'timeout' | Error | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: 'listening' | 'aborted' | 'timeout' | Error | undefined): void => {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(deadline);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const poll = setInterval(() => {
      stat(socket).then(
        () => finish('listening'),
        () => undefined,
      );
    }, POLL_MS);
    const deadline = setTimeout(() => finish('timeout'), READY_TIMEOUT_MS);
    const onAbort = (): void => finish('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    void ended.then((error) => finish(error));
  });
}

async function privateDir(): Promise<string> {
  // mkdtemp makes the folder 0700. A long TMPDIR would overflow the socket path: /tmp then.
  const base = join(tmpdir(), 'meridian-ssh-XXXXXX', 'master').length <= MAX_SOCKET_PATH ? tmpdir() : '/tmp';
  try {
    return await mkdtemp(join(base, 'meridian-ssh-'));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new MeridianError(
      'ACTION_FAILED',
      `cannot make a folder for the SSH connection's socket in ${base} (${message}); free space there or point TMPDIR elsewhere`,
      { cause: error },
    );
  }
}

function killGroup(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name);
  } catch {
    // ESRCH: the group is gone.
  }
}

function track(entry: Live): void {
  live.add(entry);
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.once('exit', () => {
    for (const { pid, dir } of live) {
      killGroup(pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
