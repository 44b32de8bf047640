/**
 * Runs a program for a provider, without a shell. Each child leads its own process group
 * (and session, so it has no terminal to prompt on): an abort kills the whole group, and so
 * does the end of the program, so background jobs it started never outlive the action (the
 * action's log names what was ended, leftover-processes.ts), unless the caller keeps them
 * (a release hook's service).
 */
import { spawn } from 'node:child_process';
import { MeridianError } from '../domain/errors.js';
import { abortError } from './abort.js';
import { shielded } from './action-shield.js';
import { processGroupOf } from '../lib/process-groups.js';
import { attemptNote, recordGroup } from './attempt-processes.js';
import { endLeftovers } from './leftover-processes.js';

export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Receives output as it arrives; without it, output is collected into the result. */
  onOutput?: (text: string) => void;
  /** Between SIGTERM and SIGKILL after an abort. */
  killGraceMs?: number;
  /** Pipeline code: run it where Meridian's own secrets are out of reach (action-shield.ts). */
  shield?: boolean;
  /**
   * What becomes of the processes the program leaves running in its group when it exits.
   * `end` (the default): SIGTERM, SIGKILL after killGraceMs, and a line in the action's log.
   * `keep-on-success`: when it exits 0 they run on and the group stops being the attempt's
   * (no sweep ends it later); when it fails or is stopped they end as with `end`.
   */
  leftovers?: Leftovers;
}

export type Leftovers = 'end' | 'keep-on-success';

export interface ProcessResult {
  /** null when the process was killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const DEFAULT_KILL_GRACE_MS = 2_000;
/** How long to wait for output still buffered in the pipes once the group is gone. */
const DRAIN_MS = 1_000;

export function runProcess(file: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<ProcessResult>((resolve, reject) => {
    const program = options.shield === true ? shielded(file, args) : { file, args };
    const child = spawn(program.file, program.args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const group = child.pid === undefined ? undefined : processGroupOf(child.pid);
    // The group outlives Meridian when Meridian is killed: recorded, a retry can end it first.
    const forgetGroup = recordGroup(group);
    const out = { stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => (options.onOutput ? options.onOutput(text) : (out.stdout += text)));
    child.stderr.on('data', (text: string) => (options.onOutput ? options.onOutput(text) : (out.stderr += text)));

    const timers: NodeJS.Timeout[] = [];
    const killGroup = (name: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, name);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const onAbort = (): void => {
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? DEFAULT_KILL_GRACE_MS));
    };
    signal.addEventListener('abort', onAbort, { once: true });

    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    /** What follows the exit (ending or releasing the leftovers) is done before the result is given. */
    let settled: Promise<void> = Promise.resolve();
    child.once('exit', (code, exitSignal) => {
      exit = { code, signal: exitSignal };
      const keep = options.leftovers === 'keep-on-success' && code === 0 && !signal.aborted;
      const note = options.onOutput ?? attemptNote();
      settled = keep ? forgetGroup() : endLeftovers(child.pid, group, file, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS, note).catch(() => undefined);
      // A process that escaped the group (setsid), or one kept, may still hold the pipes open.
      // The pipes are closed after the poll phase that follows the timer (setImmediate): after a
      // stall longer than DRAIN_MS (a loaded machine) the timer runs before what is already in
      // the pipes has been read, and closing then would lose the end of the output.
      void settled.then(() =>
        timers.push(
          setTimeout(() => {
            setImmediate(() => {
              child.stdout.destroy();
              child.stderr.destroy();
            });
          }, DRAIN_MS),
        ),
      );
    });
    child.once('close', () => {
      void settled.then(() => {
        void forgetGroup();
        for (const timer of timers) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) reject(abortError(signal));
        else resolve({ exitCode: exit?.code ?? null, signal: exit?.signal ?? null, ...out });
      });
    });
    child.once('error', (error) => {
      if (exit !== undefined) return;
      for (const timer of timers) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      reject(new MeridianError('ACTION_FAILED', `cannot run ${file}: ${error.message}; check that it is installed and on PATH`, { cause: error }));
    });
  });
}
