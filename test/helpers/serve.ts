/**
 * `meridian serve` as a child process on 127.0.0.1 (port 0: the address is read from what it
 * prints), with a small JSON client for its API.
 */
import type { ChildProcess } from 'node:child_process';
import { eventually, finished, startCli, type CliResult } from './cli.js';

export const ADMIN_TOKEN = 'test-admin-token';

export interface Served {
  url: string;
  child: ChildProcess & { output: { stdout: string; stderr: string } };
  /** JSON request with the admin token (or `token`); resolves with status and parsed body. */
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: T }>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

export async function startServe(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = startCli(['serve', '--port', '0', ...args], { env: { MERIDIAN_TOKEN: ADMIN_TOKEN, ...env } });
  const exited = finished(child);
  let early: CliResult | undefined;
  void exited.then((result) => (early = result));
  const url = await eventually(
    () => {
      if (early) throw new Error(`serve exited with ${String(early.code)}: ${early.stderr}${early.stdout}`);
      return /on (http:\/\/127\.0\.0\.1:\d+)/.exec(child.output.stdout)?.[1];
    },
    30_000,
    'serve to listen',
  );
  return {
    url,
    child,
    async api<T>(method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN) {
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface Summary {
  executionId: string;
  status: string;
  trigger: { type: string; detail?: string };
  stages: Array<{
    name: string;
    status: string;
    actions: Array<{ name: string; status: string; startedAt: string | null; endedAt: string | null; attempts: number }>;
  }>;
}

/** Waits until the execution has ended; returns its summary. */
export function ended(served: Served, executionId: string, ms = 60_000, token = ADMIN_TOKEN): Promise<Summary> {
  return eventually(
    async () => {
      const { body } = await served.api<Summary>('GET', `/api/executions/${executionId}`, undefined, token);
      return ['Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled'].includes(body.status) ? body : undefined;
    },
    ms,
    `execution ${executionId} to end`,
  );
}
