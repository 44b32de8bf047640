/**
 * A remote agent's record of its attempts' process groups, kept in its work dir: it has no
 * state database, and the server cannot reach its machine. One file per job
 * (`WORK_DIR/processes/JOB_ID`), a JSON line per group naming the agent that started it. An
 * agent that starts in that work dir ends the groups of agents that are gone (killed with
 * -9) and removes their scratch and work folders: the orphans of a killed agent run no longer than
 * until the next agent starts there, which ends them before it can claim the job again.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ProcessGroup } from '../domain/jobs/job-host.js';
import { workFolderOf } from '../lib/attempt-scratch.js';
import { ATTEMPT_END_GRACE_MS, endProcessGroup, type GroupEnd } from '../lib/process-groups.js';
import { isOwnerAlive } from '../lib/process-owner.js';

interface Entry extends ProcessGroup {
  agent: string;
  scratch: string;
}

export class AgentLedger {
  constructor(
    private readonly root: string,
    private readonly agentId: string,
  ) {}

  record(jobId: string, group: ProcessGroup, scratch: string): void {
    const entry: Entry = { agent: this.agentId, ...group, scratch };
    fs.mkdirSync(ledgerDir(this.root), { recursive: true });
    fs.appendFileSync(path.join(ledgerDir(this.root), jobId), `${JSON.stringify(entry)}\n`);
  }

  forget(jobId: string, group: ProcessGroup): void {
    const file = path.join(ledgerDir(this.root), jobId);
    const rest = readEntries(file).filter((entry) => entry.pgid !== group.pgid || entry.started !== group.started);
    if (rest.length === 0) fs.rmSync(file, { force: true });
    else fs.writeFileSync(file, rest.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  }
}

/** At an agent's start: ends the groups that agents now gone left running from `root`; resolves with how each ended. */
export async function sweepAgentLeftovers(root: string, graceMs = ATTEMPT_END_GRACE_MS): Promise<GroupEnd[]> {
  const dir = ledgerDir(root);
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const ends: GroupEnd[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    const entries = readEntries(file);
    // Another agent still working in this dir keeps its own.
    if (entries.some((entry) => isOwnerAlive(entry.agent))) continue;
    ends.push(...(await Promise.all(entries.map((entry) => endProcessGroup(entry, graceMs)))));
    for (const scratch of new Set(entries.map((entry) => entry.scratch))) {
      fs.rmSync(scratch, { recursive: true, force: true });
      fs.rmSync(workFolderOf(scratch), { recursive: true, force: true });
    }
    fs.rmSync(file, { force: true });
  }
  return ends;
}

function ledgerDir(root: string): string {
  return path.join(root, 'processes');
}

function readEntries(file: string): Entry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const entries: Entry[] = [];
  for (const line of text.split('\n')) {
    try {
      if (line !== '') entries.push(JSON.parse(line) as Entry);
    } catch {
      // A line cut short by the kill: that group was never fully recorded.
    }
  }
  return entries;
}
