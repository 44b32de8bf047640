/**
 * May an execution enter a stage now? CodePipeline's execution modes (docs/aws-behaviour.md §1.5), as a
 * pure function of where the pipeline's unfinished executions stand:
 * - SUPERSEDED: a stage holds one execution at a time; an execution that reaches a locked
 *   stage waits in front of it, and a more recent one arriving there supersedes it (only
 *   between stages: an execution inside a stage is never superseded).
 * - QUEUED: a stage holds one execution at a time, and they enter in the order they started.
 * - PARALLEL: executions never wait for each other.
 * A stage is locked while an execution is in it (InProgress or Stopping); a Failed stage
 * does not hold the lock.
 */
import type { ExecutionStatus, StageStatus } from './execution.js';
import type { ExecutionMode } from './pipeline.js';

/** Where an unfinished execution of a pipeline stands. */
export interface ExecutionPosition {
  id: string;
  seq: number;
  status: ExecutionStatus;
  /** The process driving it (null: nobody). */
  owner: string | null;
  /** Stage statuses by stage index. */
  stages: StageStatus[];
}

export type StageGate =
  { kind: 'enter'; supersede: string[] } | { kind: 'wait'; reason: string; lockedBy?: string; supersede: string[] } | { kind: 'superseded'; by: string };

const HOLDS_LOCK: ReadonlySet<StageStatus> = new Set(['InProgress', 'Stopping']);

/** The index of the stage an execution is in front of (Pending), or undefined when it is inside one. */
export function waitingAt(position: ExecutionPosition): number | undefined {
  const current = position.stages.findIndex((status) => status !== 'Succeeded' && status !== 'Skipped');
  return current >= 0 && position.stages[current] === 'Pending' ? current : undefined;
}

export function stageGate(mode: ExecutionMode, stageIndex: number, me: { id: string; seq: number }, positions: readonly ExecutionPosition[]): StageGate {
  if (mode === 'PARALLEL') return { kind: 'enter', supersede: [] };
  const others = positions.filter((p) => p.id !== me.id && (p.status === 'InProgress' || p.status === 'Stopping'));
  const waitingHere = others.filter((p) => p.status === 'InProgress' && waitingAt(p) === stageIndex);
  let supersede: string[] = [];
  if (mode === 'SUPERSEDED') {
    const newer = waitingHere.filter((p) => p.seq > me.seq).sort((a, b) => b.seq - a.seq)[0];
    if (newer) return { kind: 'superseded', by: newer.id };
    supersede = waitingHere.filter((p) => p.seq < me.seq).map((p) => p.id);
  }
  const holder = others.find((p) => HOLDS_LOCK.has(p.stages[stageIndex] ?? 'Pending'));
  if (holder) return { kind: 'wait', reason: `stage locked by execution ${holder.id}`, lockedBy: holder.id, supersede };
  if (mode === 'QUEUED') {
    const ahead = waitingHere.filter((p) => p.seq < me.seq).sort((a, b) => a.seq - b.seq)[0];
    if (ahead) return { kind: 'wait', reason: `queued behind execution ${ahead.id}`, supersede };
  }
  return { kind: 'enter', supersede };
}
