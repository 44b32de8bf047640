/**
 * Runs the shell commands of a `Commands` condition rule on this machine: in a scratch
 * folder, one `bash -e` script, with the execution's id in CODEPIPELINE_EXECUTION_ID. The
 * rule succeeds when the script exits 0. Output is kept short for the event that reports it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { shielded } from '../providers/action-shield.js';
import type { RuleCommandResult, RuleCommandRunner } from '../domain/condition-rules.js';

const OUTPUT_LIMIT = 2000;

export const runRuleCommands: RuleCommandRunner = async (commands, context) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'meridian-rule-'));
  try {
    return await new Promise<RuleCommandResult>((resolve) => {
      const program = shielded('bash', ['-e', '-c', commands.join('\n')]);
      const child = spawn(program.file, program.args, {
        cwd: dir,
        env: { ...process.env, CODEPIPELINE_EXECUTION_ID: context.executionId, AWS_REGION: context.region },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: context.timeoutMs ?? 10 * 60_000,
      });
      let output = '';
      const keep = (chunk: Buffer): void => {
        output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', (error) => resolve({ exitCode: 127, output: error.message }));
      child.on('close', (code) => resolve({ exitCode: code ?? 1, output: output.trim() }));
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
