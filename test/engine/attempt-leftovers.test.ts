/**
 * What a killed Meridian's attempts leave behind, found through the recorded process groups:
 * ended (SIGTERM, then SIGKILL after the grace) when their attempt is over or their holder
 * is dead, never when the pid now names another process; scratch folders removed with them,
 * and at start the work folders of attempts that are over.
 * Real process groups, real databases (both stores).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { endAttemptLeftovers, sweepLeftovers } from '../../src/engine/attempt-leftovers.js';
import { attemptsRoot, scratchFolder, scratchRoot, workFolder, workRoot } from '../../src/lib/attempt-scratch.js';
import { groupMembers, processGroupOf, type ProcessGroup } from '../../src/lib/process-groups.js';
import type { Db } from '../../src/stores/state/db.js';
import { claimJobs, finishJobs, insertJobs } from '../../src/stores/state/job-records.js';
import { jobProcesses, recordJobProcess } from '../../src/stores/state/process-records.js';
import { BACKENDS } from '../helpers/state-backends.js';
import { tempDir } from '../helpers/temp.js';

/** A process group running `script`, as runProcess starts one (detached: its own group). */
async function startGroup(script: string): Promise<ProcessGroup> {
  const child = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' });
  onTestFinished(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  // Let bash install its traps before it is signalled.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return processGroupOf(child.pid!)!;
}

async function addJob(db: Db, id: string, status: 'running' | 'done'): Promise<void> {
  const at = new Date().toISOString();
  await insertJobs(db, [{ id, executionId: 'e1', stageIndex: 0, actionIndex: 0, attempt: 1, region: 'local', createdAt: at }], () => Promise.resolve([]));
  await claimJobs(db, 'host:1:dead', { executionIds: ['e1'] }, false);
  if (status === 'done') await finishJobs(db, [id]);
}

/** A job's scratch folder where executeJob makes it (outside `root`), removed with the test. */
function scratchOf(root: string, jobId: string): string {
  const dir = scratchFolder(root, jobId);
  onTestFinished(() => fs.rmSync(attemptsRoot(root), { recursive: true, force: true }));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'script.sh'), 'sleep 30\n');
  return dir;
}

describe.each(BACKENDS)('attempt leftovers ($name)', (backend) => {
  it.skipIf(!backend.available)('at start: ends the groups of attempts that are over and removes their folders, and keeps a running one', async () => {
    const { db } = await backend.open();
    onTestFinished(() => db.destroy());
    const root = tempDir();
    const at = new Date().toISOString();
    await addJob(db, 'over', 'done');
    await addJob(db, 'busy', 'running');
    const over = await startGroup('sleep 30');
    const busy = await startGroup('sleep 30');
    await recordJobProcess(db, { jobId: 'over', ...over, scratch: scratchOf(root, 'over') }, at);
    await recordJobProcess(db, { jobId: 'busy', ...busy, scratch: scratchOf(root, 'busy') }, at);
    scratchOf(root, 'unknown-job');
    // Work folders of attempts killed with Meridian (an attempt's end removes its own).
    for (const jobId of ['over', 'busy', 'unknown-job']) fs.mkdirSync(path.join(workFolder(root, jobId), 'inputs'), { recursive: true });

    await sweepLeftovers(db, root, 2_000);

    expect(groupMembers(over)).toEqual([]);
    expect(groupMembers(busy)).not.toEqual([]);
    expect(fs.readdirSync(scratchRoot(root))).toEqual(['busy']);
    expect(fs.readdirSync(workRoot(root))).toEqual(['busy']);
    expect((await jobProcesses(db, 'over')).length).toBe(0);
    expect((await jobProcesses(db, 'busy')).map((p) => p.pgid)).toEqual([busy.pgid]);
  });

  it.skipIf(!backend.available)('ends a dead holder’s group that ignores SIGTERM with SIGKILL after the grace, and leaves a live holder’s alone', async () => {
    const { db } = await backend.open();
    onTestFinished(() => db.destroy());
    const root = tempDir();
    await addJob(db, 'stubborn', 'running');
    const group = await startGroup("trap '' TERM; while true; do sleep 0.1; done");
    const scratch = scratchOf(root, 'stubborn');
    fs.mkdirSync(workFolder(root, 'stubborn'), { recursive: true });
    await recordJobProcess(db, { jobId: 'stubborn', ...group, scratch }, new Date().toISOString());

    // This very process holds it: it ends its own groups when it loses the lease.
    const alive = await endAttemptLeftovers(db, { id: 'stubborn', leaseOwner: `${group.host}:${process.pid}:x` }, 300);
    expect(alive).toEqual({ ended: [], elsewhere: [] });
    expect(groupMembers(group)).not.toEqual([]);

    const started = performance.now();
    const dead = await endAttemptLeftovers(db, { id: 'stubborn', leaseOwner: `${group.host}:999999999:x` }, 300);
    expect(dead.ended).toEqual([{ pgid: group.pgid, how: 'killed' }]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(groupMembers(group)).toEqual([]);
    expect(fs.existsSync(scratch)).toBe(false);
    expect(fs.existsSync(workFolder(root, 'stubborn'))).toBe(false);
    expect(await jobProcesses(db, 'stubborn')).toEqual([]);
  });

  it.skipIf(!backend.available)('never signals a process that got the recorded pid later, nor a group on another host', async () => {
    const { db } = await backend.open();
    onTestFinished(() => db.destroy());
    const root = tempDir();
    await addJob(db, 'reused', 'done');
    await addJob(db, 'remote', 'running');
    const stranger = await startGroup('sleep 30');
    const [boot, ticks] = stranger.started.split(':');
    // The recorded leader started earlier than the process holding its pid now.
    await recordJobProcess(
      db,
      { jobId: 'reused', ...stranger, started: `${boot}:${Number(ticks) - 1}`, scratch: scratchOf(root, 'reused') },
      new Date().toISOString(),
    );
    await recordJobProcess(db, { jobId: 'remote', ...stranger, host: 'another-host', scratch: '/elsewhere' }, new Date().toISOString());

    await sweepLeftovers(db, root, 300);
    const remote = await endAttemptLeftovers(db, { id: 'remote', leaseOwner: 'another-host:1:x' }, 300);

    expect(groupMembers(stranger)).not.toEqual([]);
    expect(remote).toEqual({ ended: [], elsewhere: [{ pgid: stranger.pgid, host: 'another-host' }] });
  });
});
