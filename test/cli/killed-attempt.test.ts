/**
 * kill -9 of `meridian run` during a long command, then `meridian resume`: the killed
 * attempt's process group (which outlives Meridian) is ended before the next attempt writes
 * its first line, an event says so, and no scratch folder of either attempt is left. On both
 * stores (SQLite in the state dir, PostgreSQL through MERIDIAN_DB). The same for a remote
 * agent killed with -9: the next agent started in its work dir ends the group first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { scratchRoot, workRoot } from '../../src/lib/attempt-scratch.js';
import { makeAgentToken, serveForAgents, startAgent } from '../helpers/agent.js';
import { eventually, finished, runCli, startCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { ended } from '../helpers/serve.js';
import { tempDir } from '../helpers/temp.js';

interface Mark {
  kind: string;
  pid: number;
  ms: number;
}

function marks(file: string): Mark[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^\w+ \d+ \d+$/.test(line))
    .map((line) => {
      const [kind = '', pid = '', ms = ''] = line.split(' ');
      return { kind, pid: Number(pid), ms: Number(ms) };
    });
}

/** Whether a process of group `pgid` still runs (a zombie waiting for init to reap it runs nothing). */
function groupAlive(pgid: number): boolean {
  return fs.readdirSync('/proc').some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const fields = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(fields[2]) === pgid && fields[0] !== 'Z';
    } catch {
      return false;
    }
  });
}

/** Each attempt's shell writes its own pid ($$, the leader of its process group) on every line, until `stop` exists. */
function pipeline(repo: string, file: string, stop: string, home = ''): string {
  return `pipeline: killed
${home}sources:
  src: { git: ${repo}, branch: main }
stages:
  - name: Build
    actions:
      - name: long
        uses: commands
        inputs: [src]
        commands:
          - 'echo "start $$ $(date +%s%3N)" >> ${file}'
          - 'while [ ! -f ${stop} ]; do echo "tick $$ $(date +%s%3N)" >> ${file}; sleep 0.1; done'
`;
}

/** Every line of the attempt led by `old` comes before the first line of the attempt led by `next`. */
function expectNoInterleaving(all: Mark[], old: Mark, next: Mark): void {
  const firstNew = all.findIndex((mark) => mark.pid === next.pid);
  const lastOld = all.findLastIndex((mark) => mark.pid === old.pid);
  expect(lastOld).toBeLessThan(firstNew);
  expect(all[lastOld]!.ms).toBeLessThanOrEqual(next.ms);
  expect(new Set(all.map((mark) => mark.pid))).toEqual(new Set([old.pid, next.pid]));
}

type Cli = ReturnType<typeof startCli>;

/** Whatever happens, nothing a test started outlives it: not the commands, not the attempts' loops (their folder goes next). */
function endEverything(file: string, stop: string, children: Cli[]): void {
  fs.writeFileSync(stop, '');
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of new Set(marks(file).map((mark) => mark.pid))) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

const STORES = [
  { name: 'SQLite', available: true, env: () => Promise.resolve({}) },
  { name: 'PostgreSQL', available: hasPostgres, env: async () => ({ MERIDIAN_DB: await freshDatabase() }) },
];

describe.each(STORES)('a killed attempt ($name)', ({ available, env: makeEnv }) => {
  it.skipIf(!available)(
    'is ended before its retry starts, with an event, leaving no scratch folder',
    async () => {
      const repo = makeRepo({ 'a.txt': 'a\n' });
      const dir = tempDir();
      const state = path.join(dir, 'state');
      const tmp = path.join(dir, 'tmp');
      fs.mkdirSync(tmp);
      const file = path.join(dir, 'marks');
      const stop = path.join(dir, 'stop');
      // Whatever happens, no attempt's loop outlives the test.
      const children: Cli[] = [];
      onTestFinished(() => endEverything(file, stop, children));
      fs.writeFileSync(path.join(dir, 'meridian.yaml'), pipeline(repo, file, stop));
      const env = { ...(await makeEnv()), TMPDIR: tmp };

      const run = startCli(['run', '-f', path.join(dir, 'meridian.yaml'), '--state-dir', state], { env });
      children.push(run);
      const old = await eventually(() => (marks(file).length >= 3 ? marks(file)[0] : undefined), 20_000, 'the action to start');
      run.kill('SIGKILL');
      await finished(run);
      expect(groupAlive(old.pid)).toBe(true);

      const resume = startCli(['resume', '--state-dir', state, '--json'], { env });
      children.push(resume);
      const next = await eventually(() => marks(file).find((mark) => mark.pid !== old.pid), 20_000, 'the next attempt to start');
      // The old group is gone by the time the new attempt writes anything.
      expect(groupAlive(old.pid)).toBe(false);
      fs.writeFileSync(stop, '');
      const resumed = await finished(resume);
      expect(resumed.code, resumed.stderr).toBe(0);
      const summary = JSON.parse(resumed.stdout) as { executionId: string; status: string };
      expect(summary.status).toBe('Succeeded');

      // No interleaving: every line of the old attempt comes before the new attempt's first.
      expectNoInterleaving(marks(file), old, next);

      const events = await runCli(['show', summary.executionId, '--events', '--state-dir', state], { env });
      expect(events.stdout).toMatch(
        new RegExp(`long \\(\\S+\\): ended attempt 1, still running after its Meridian died: process group ${old.pid} \\(SIGTERM\\)`),
      );
      // Neither attempt left a scratch folder: not in the state dir's attempts folder
      // (TMPDIR/meridian-UID/HASH/scratch, attempt-scratch.ts), not elsewhere in TMPDIR.
      // Nor a work folder: the killed attempt's went with its group, the next one's at its end,
      // and the attempts folder, empty, as the last command closed.
      const user = `meridian-${process.getuid?.() ?? os.userInfo().username}`;
      expect(fs.readdirSync(tmp).filter((name) => name.startsWith('meridian-'))).toEqual([user]);
      expect(fs.readdirSync(path.join(tmp, user))).toEqual([]);
      expect(fs.existsSync(path.join(state, 'scratch'))).toBe(false);
    },
    60_000,
  );
});

describe('a killed attempt of an execution then stopped with --abandon', () => {
  it('is ended by the stop that abandons it, not left running until the next start', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const file = path.join(dir, 'marks');
    const stop = path.join(dir, 'stop');
    const children: Cli[] = [];
    onTestFinished(() => endEverything(file, stop, children));
    fs.writeFileSync(path.join(dir, 'meridian.yaml'), pipeline(makeRepo({ 'a.txt': 'a\n' }), file, stop));

    const run = startCli(['run', '-f', path.join(dir, 'meridian.yaml'), '--state-dir', state]);
    children.push(run);
    const old = await eventually(() => (marks(file).length >= 3 ? marks(file)[0] : undefined), 20_000, 'the action to start');
    run.kill('SIGKILL');
    await finished(run);
    const [execution] = JSON.parse((await runCli(['executions', '--state-dir', state, '--json'])).stdout) as Array<{ executionId: string }>;
    const id = execution!.executionId;
    expect(groupAlive(old.pid)).toBe(true);

    // No process runs the execution: the stop abandons its action itself.
    const stopped = await runCli(['stop', id, '--abandon', '--reason', 'bad release', '--state-dir', state]);
    expect(stopped.code, stopped.stderr).toBe(0);
    // The killed attempt's programs are gone once the stop has abandoned it (before this change
    // they ran on until a later command started with this state dir).
    expect(groupAlive(old.pid)).toBe(false);
    const shown = JSON.parse((await runCli(['show', id, '--json', '--state-dir', state])).stdout) as { status: string };
    expect(shown.status).toBe('Stopped');
    const events = await runCli(['show', id, '--events', '--state-dir', state]);
    expect(events.stdout).toMatch(new RegExp(`ended attempt 1, still running after its Meridian died: process group ${old.pid}`));
    expect(events.stdout).toContain('abandoned by a stop request');
  }, 60_000);
});

describe('a remote agent killed with -9', () => {
  it('has its attempt ended by the next agent started in its work dir, before that agent runs it again', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'state');
    const work = path.join(dir, 'agent');
    const file = path.join(dir, 'marks');
    const stop = path.join(dir, 'stop');
    onTestFinished(() => endEverything(file, stop, []));
    const home = 'home: eu-west-1\nregions:\n  eu-west-1: { timezone: Europe/Dublin }\n';
    fs.writeFileSync(path.join(dir, 'meridian.yaml'), pipeline(makeRepo({ 'a.txt': 'a\n' }), file, stop, home));
    const token = await makeAgentToken(state, 'eu-west-1');
    const served = await serveForAgents(path.join(dir, 'meridian.yaml'), state);
    onTestFinished(() => served.stop('SIGKILL').then(() => undefined));
    const first = await startAgent(served.url, 'eu-west-1', token, work);
    const { body } = await served.api<{ executionId: string }>('POST', '/api/pipelines/killed/executions', {});
    const old = await eventually(() => (marks(file).length >= 3 ? marks(file)[0] : undefined), 20_000, 'the action to start');
    await first.stop('SIGKILL');
    expect(groupAlive(old.pid)).toBe(true);

    const second = await startAgent(served.url, 'eu-west-1', token, work);
    onTestFinished(() => second.stop('SIGKILL').then(() => undefined));
    expect(second.child.output.stdout).toContain('Ended 1 process group(s) that a killed agent left running');
    const next = await eventually(() => marks(file).find((mark) => mark.pid !== old.pid), 20_000, 'the next attempt to start');
    expect(groupAlive(old.pid)).toBe(false);
    fs.writeFileSync(stop, '');
    expect((await ended(served, body.executionId, 20_000)).status).toBe('Succeeded');

    expectNoInterleaving(marks(file), old, next);
    for (const folder of [scratchRoot(work), workRoot(work), path.join(work, 'processes')]) {
      expect(fs.existsSync(folder) ? fs.readdirSync(folder) : []).toEqual([]);
    }
  }, 60_000);
});
