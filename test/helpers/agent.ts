/**
 * `meridian agent` as a child process against a served `meridian serve`, and agent tokens
 * made with the CLI, as an operator would make them.
 */
import type { ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { eventually, finished, runCli, startCli, type CliResult } from './cli.js';
import { startServe, type Served } from './serve.js';

export interface StartedAgent {
  region: string;
  child: ChildProcess & { output: { stdout: string; stderr: string } };
  /** Lines like `Running deploy (eu-west-1) attempt 1 of <execution>` the agent printed. */
  ran(): string[];
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

/** `env`: e.g. `MERIDIAN_DB` when the servers keep their state in PostgreSQL. */
export async function makeAgentToken(stateDir: string, region: string, name = `agent-${region}`, env: Record<string, string> = {}): Promise<string> {
  const made = await runCli(['tokens', 'create', '--role', 'agent', '--region', region, '--name', name, '--state-dir', stateDir], { env });
  expect(made.code, made.stderr).toBe(0);
  return made.stdout.trim();
}

export async function startAgent(url: string, region: string, token: string, workDir: string, extra: string[] = []): Promise<StartedAgent> {
  const child = startCli(['agent', '--server', url, '--region', region, '--token', token, '--work-dir', workDir, ...extra]);
  const exited = finished(child);
  let early: CliResult | undefined;
  void exited.then((result) => (early = result));
  await eventually(
    () => {
      if (early) throw new Error(`agent exited with ${String(early.code)}: ${early.stderr}${early.stdout}`);
      return child.output.stdout.includes('polling');
    },
    30_000,
    `the ${region} agent to start`,
  );
  return {
    region,
    child,
    ran: () =>
      child.output.stdout
        .split('\n')
        .filter((line) => / Running /.test(line))
        .map((line) => line.replace(/^\S+ /, '')),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * `meridian serve` of the definition `file` whose region eu-west-1 runs on remote agents, with
 * a lease of 2 s and agents told to poll every 2 s.
 */
export function serveForAgents(file: string, stateDir: string): Promise<Served> {
  return startServe(['-f', file, '--state-dir', stateDir, '--remote-regions', 'eu-west-1', '--lease', '2', '--agent-poll', '2']);
}

/** A pipeline `name` at home in eu-west-1 whose one action, `slow` of stage Deploy on source `src` (`repo`), sleeps `seconds` and echoes done. */
export function slowDefinition(name: string, repo: string, seconds: number): string {
  return `pipeline: ${name}
home: eu-west-1
regions:
  eu-west-1: { timezone: Europe/Dublin }
sources:
  src: { git: ${repo} }
stages:
  - name: Deploy
    actions:
      - name: slow
        uses: commands
        inputs: [src]
        commands: ["sleep ${seconds}", "echo done"]
`;
}
