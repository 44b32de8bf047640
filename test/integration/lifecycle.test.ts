import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutionSummary } from '../../src/domain/execution.js';
import { eventually, finished, runCli, startCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

function writePipeline(dir: string, body: string): string {
  const file = path.join(dir, 'meridian.yaml');
  fs.writeFileSync(file, body);
  return file;
}

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function executionIds(state: string): Promise<string[]> {
  const listed = await runCli(['executions', '--state-dir', state, '--json']);
  return (JSON.parse(listed.stdout) as Array<{ executionId: string }>).map((e) => e.executionId);
}

async function summary(state: string, id: string): Promise<ExecutionSummary> {
  const shown = await runCli(['show', id, '--state-dir', state, '--json']);
  return JSON.parse(shown.stdout) as ExecutionSummary;
}

/** The id of the state dir's execution once its approval (first action of stage 2) waits. */
function approvalWaiting(state: string): Promise<string> {
  return eventually(
    async () => {
      const ids = fs.existsSync(path.join(state, 'state.db')) ? await executionIds(state) : [];
      if (!ids[0]) return undefined;
      return (await summary(state, ids[0])).stages[1]?.actions[0]?.status === 'Waiting' ? ids[0] : undefined;
    },
    20_000,
    'approval to wait',
  );
}

describe('durable executions', () => {
  it('resumes after kill -9 mid-action; completed actions run once', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const marks = path.join(dir, 'marks');
    const gate = path.join(dir, 'gate');
    const file = writePipeline(
      dir,
      `pipeline: durable
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - name: first
        uses: commands
        inputs: [src]
        commands: ["echo first >> ${marks}"]
      - name: second
        runOrder: 2
        uses: commands
        inputs: [src]
        commands: ["echo second-start >> ${marks}", "while [ ! -f ${gate} ]; do sleep 0.1; done", "echo second-end >> ${marks}"]
  - name: Deploy
    actions:
      - name: third
        uses: commands
        inputs: [src]
        commands: ["echo third >> ${marks}"]
`,
    );
    const child = startCli(['run', '-f', file, '--state-dir', state]);
    await eventually(() => lines(marks).includes('second-start') || undefined, 20_000, 'second action to start');
    child.kill('SIGKILL');
    await finished(child);
    const [id] = await executionIds(state);
    expect((await summary(state, id!)).status).toBe('InProgress');

    fs.writeFileSync(gate, '');
    const resumed = await runCli(['resume', id!, '--state-dir', state, '--json']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const after = JSON.parse(resumed.stdout) as ExecutionSummary;
    expect(after.executionId).toBe(id);
    expect(after.status).toBe('Succeeded');
    expect(lines(marks).filter((l) => l === 'first')).toHaveLength(1);
    expect(lines(marks).filter((l) => l === 'third')).toHaveLength(1);
    const second = after.stages[1]!.actions.find((a) => a.name === 'second')!;
    expect(second.attempts).toBe(2);
    const events = await runCli(['show', id!, '--events', '--state-dir', state]);
    expect(events.stdout).toMatch(/interrupted; running it again \(attempt 2\)/);
  });

  it('tells the user about an unfinished execution of the same pipeline', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const marks = path.join(dir, 'marks');
    const file = writePipeline(
      dir,
      `pipeline: noticed
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - name: wait
        uses: commands
        inputs: [src]
        commands: ["echo started >> ${marks}", "sleep 30"]
`,
    );
    const child = startCli(['run', '-f', file, '--state-dir', state]);
    await eventually(() => lines(marks).includes('started') || undefined, 20_000, 'action to start');
    child.kill('SIGKILL');
    await finished(child);
    const [id] = await executionIds(state);
    const again = startCli(['run', '-f', file, '--state-dir', state]);
    await eventually(() => again.output.stderr.includes(`meridian resume ${id}`) || undefined, 20_000, 'the notice');
    again.kill('SIGKILL');
    await finished(again);
  });

  it('waits for a manual approval given from another process, and records who approved', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const file = writePipeline(
      dir,
      `pipeline: gated
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Gate
    actions:
      - name: go-live
        uses: approval
  - name: Deploy
    actions:
      - name: deploy
        uses: commands
        inputs: [src]
        commands: ["true"]
`,
    );
    const child = startCli(['run', '-f', file, '--state-dir', state, '--json']);
    const id = await approvalWaiting(state);
    const approved = await runCli(['approve', id, 'go-live', '--comment', 'ship it', '--by', 'ops-lead', '--state-dir', state]);
    expect(approved.code).toBe(0);
    const result = await finished(child);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as ExecutionSummary).status).toBe('Succeeded');
    const events = await runCli(['show', id, '--events', '--state-dir', state]);
    expect(events.stdout).toContain('go-live approved by ops-lead: ship it');
    const twice = await runCli(['approve', id, 'go-live', '--state-dir', state]);
    expect(twice.code).toBe(2);
  });

  it('a rejected approval fails the execution', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const file = writePipeline(
      dir,
      `pipeline: rejected
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Gate
    actions:
      - name: go-live
        uses: approval
`,
    );
    const child = startCli(['run', '-f', file, '--state-dir', state, '--json']);
    const id = await approvalWaiting(state);
    expect((await runCli(['reject', id, 'go-live', '--comment', 'not today', '--state-dir', state])).code).toBe(0);
    const result = await finished(child);
    expect(result.code).toBe(1);
    const gate = (JSON.parse(result.stdout) as ExecutionSummary).stages[1]!.actions[0]!;
    expect(gate.status).toBe('Failed');
    expect(gate.error?.message).toContain('not today');
  });

  it('retries the failed stage in the same execution, re-running only failed actions', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const marks = path.join(dir, 'marks');
    const flag = path.join(dir, 'fixed');
    const file = writePipeline(
      dir,
      `pipeline: retried
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Deploy
    actions:
      - name: ok
        uses: commands
        inputs: [src]
        commands: ["echo ok >> ${marks}"]
      - name: flaky
        uses: commands
        inputs: [src]
        commands: ["echo flaky >> ${marks}", "test -f ${flag}"]
      - name: last
        runOrder: 2
        uses: commands
        inputs: [src]
        commands: ["echo last >> ${marks}"]
`,
    );
    const first = await runCli(['run', '-f', file, '--state-dir', state, '--json']);
    expect(first.code).toBe(1);
    const id = (JSON.parse(first.stdout) as ExecutionSummary).executionId;
    fs.writeFileSync(flag, '');
    const retried = await runCli(['retry', id, '--state-dir', state, '--json']);
    expect(retried.code).toBe(0);
    const after = JSON.parse(retried.stdout) as ExecutionSummary;
    expect(after.executionId).toBe(id);
    expect(after.status).toBe('Succeeded');
    expect(lines(marks).sort()).toEqual(['flaky', 'flaky', 'last', 'ok']);
    const again = await runCli(['retry', id, '--state-dir', state]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/only a Failed or Stopped execution can be retried/);
  });

  it('stop --abandon from another process abandons running actions and stops the execution', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const marks = path.join(dir, 'marks');
    const file = writePipeline(
      dir,
      `pipeline: stoppable
sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Deploy
    actions:
      - name: long
        uses: commands
        inputs: [src]
        commands: ["echo started >> ${marks}", "sleep 60"]
      - name: never
        runOrder: 2
        uses: commands
        inputs: [src]
        commands: ["echo never >> ${marks}"]
`,
    );
    const child = startCli(['run', '-f', file, '--state-dir', state, '--json']);
    await eventually(() => lines(marks).includes('started') || undefined, 20_000, 'action to start');
    const [id] = await executionIds(state);
    const stopped = await runCli(['stop', id!, '--abandon', '--reason', 'wrong build', '--state-dir', state]);
    expect(stopped.code).toBe(0);
    const result = await finished(child);
    expect(result.code).toBe(1);
    const s = JSON.parse(result.stdout) as ExecutionSummary;
    expect(s.status).toBe('Stopped');
    expect(s.stages[1]!.actions.map((a) => a.status)).toEqual(['Abandoned', 'Skipped']);
    expect(lines(marks)).toEqual(['started']);
  });
});
