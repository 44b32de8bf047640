/**
 * kill -9 of `meridian run` during a long command, then `meridian resume`: the killed
 * attempt's process group (which outlives Meridian) is ended before the next attempt writes
 * its first line, an event says so, and no scratch folder of either attempt is left. On both
 * stores (SQLite in the state dir, PostgreSQL through MERIDIAN_DB).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { eventually, finished, runCli, startCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/git-repo.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
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
      onTestFinished(() => fs.writeFileSync(stop, ''));
      // Each attempt's shell writes its own pid ($$, the leader of its process group) on every line.
      fs.writeFileSync(
        path.join(dir, 'meridian.yaml'),
        `pipeline: killed
sources:
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
`,
      );
      const env = { ...(await makeEnv()), TMPDIR: tmp };

      const run = startCli(['run', '-f', path.join(dir, 'meridian.yaml'), '--state-dir', state], { env });
      const old = await eventually(() => (marks(file).length >= 3 ? marks(file)[0] : undefined), 20_000, 'the action to start');
      run.kill('SIGKILL');
      await finished(run);
      expect(groupAlive(old.pid)).toBe(true);

      const resume = startCli(['resume', '--state-dir', state, '--json'], { env });
      const next = await eventually(() => marks(file).find((mark) => mark.pid !== old.pid), 20_000, 'the next attempt to start');
      // The old group is gone by the time the new attempt writes anything.
      expect(groupAlive(old.pid)).toBe(false);
      fs.writeFileSync(stop, '');
      const resumed = await finished(resume);
      expect(resumed.code, resumed.stderr).toBe(0);
      const summary = JSON.parse(resumed.stdout) as { executionId: string; status: string };
      expect(summary.status).toBe('Succeeded');

      // No interleaving: every line of the old attempt comes before the new attempt's first.
      const all = marks(file);
      const firstNew = all.findIndex((mark) => mark.pid === next.pid);
      const lastOld = all.findLastIndex((mark) => mark.pid === old.pid);
      expect(lastOld).toBeLessThan(firstNew);
      expect(all[lastOld]!.ms).toBeLessThanOrEqual(next.ms);
      expect(new Set(all.map((mark) => mark.pid))).toEqual(new Set([old.pid, next.pid]));

      const events = await runCli(['show', summary.executionId, '--events', '--state-dir', state], { env });
      expect(events.stdout).toMatch(
        new RegExp(`long \\(\\S+\\): ended attempt 1, still running after its Meridian died: process group ${old.pid} \\(SIGTERM\\)`),
      );
      // Neither attempt left a scratch folder: not in the state dir, not in TMPDIR.
      expect(fs.existsSync(path.join(state, 'scratch')) ? fs.readdirSync(path.join(state, 'scratch')) : []).toEqual([]);
      expect(fs.readdirSync(tmp).filter((name) => name.startsWith('meridian-'))).toEqual([]);
    },
    30_000,
  );
});
