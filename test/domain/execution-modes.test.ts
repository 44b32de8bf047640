import { describe, expect, it } from 'vitest';
import type { StageStatus } from '../../src/domain/execution.js';
import { stageGate, waitingAt, type ExecutionPosition } from '../../src/domain/execution-modes.js';

const at = (id: string, seq: number, stages: StageStatus[]): ExecutionPosition => ({ id, seq, status: 'InProgress', owner: 'me', stages });

describe('stage gates of the execution modes', () => {
  const inBuild = at('a', 1, ['Succeeded', 'InProgress', 'Pending']);
  const waitingForBuild = at('b', 2, ['Succeeded', 'Pending', 'Pending']);

  it('knows which stage an execution waits in front of', () => {
    expect(waitingAt(inBuild)).toBeUndefined();
    expect(waitingAt(waitingForBuild)).toBe(1);
    expect(waitingAt(at('c', 3, ['Skipped', 'Succeeded', 'Pending']))).toBe(2);
  });

  it('PARALLEL never waits', () => {
    expect(stageGate('PARALLEL', 1, waitingForBuild, [inBuild, waitingForBuild])).toEqual({ kind: 'enter', supersede: [] });
  });

  it('SUPERSEDED: waits in front of a locked stage, and supersedes older executions waiting there', () => {
    const newest = at('c', 3, ['Succeeded', 'Pending', 'Pending']);
    expect(stageGate('SUPERSEDED', 1, newest, [inBuild, waitingForBuild, newest])).toEqual({
      kind: 'wait',
      reason: 'stage locked by execution a',
      lockedBy: 'a',
      supersede: ['b'],
    });
    // The older one, deciding after the newer arrived, is the one superseded.
    expect(stageGate('SUPERSEDED', 1, waitingForBuild, [inBuild, waitingForBuild, newest])).toEqual({ kind: 'superseded', by: 'c' });
  });

  it('SUPERSEDED: enters once the stage is free; an execution inside a stage is never superseded', () => {
    const done = { ...inBuild, stages: ['Succeeded', 'Succeeded', 'InProgress'] as StageStatus[] };
    expect(stageGate('SUPERSEDED', 1, waitingForBuild, [done, waitingForBuild])).toEqual({ kind: 'enter', supersede: [] });
    expect(stageGate('SUPERSEDED', 2, at('c', 3, ['Succeeded', 'Succeeded', 'Pending']), [done])).toMatchObject({ kind: 'wait', supersede: [] });
  });

  it('QUEUED: nobody is superseded, and the oldest waiting execution enters first', () => {
    const newest = at('c', 3, ['Succeeded', 'Pending', 'Pending']);
    expect(stageGate('QUEUED', 1, newest, [inBuild, waitingForBuild, newest])).toMatchObject({ kind: 'wait', lockedBy: 'a', supersede: [] });
    const free = [waitingForBuild, newest];
    expect(stageGate('QUEUED', 1, newest, free)).toEqual({ kind: 'wait', reason: 'queued behind execution b', supersede: [] });
    expect(stageGate('QUEUED', 1, waitingForBuild, free)).toEqual({ kind: 'enter', supersede: [] });
  });

  it('a failed stage does not hold the lock; a stopping one does', () => {
    const failed = { ...inBuild, status: 'InProgress' as const, stages: ['Succeeded', 'Failed', 'Pending'] as StageStatus[] };
    expect(stageGate('QUEUED', 1, waitingForBuild, [failed, waitingForBuild]).kind).toBe('enter');
    const stopping = { ...inBuild, status: 'Stopping' as const, stages: ['Succeeded', 'Stopping', 'Pending'] as StageStatus[] };
    expect(stageGate('QUEUED', 1, waitingForBuild, [stopping, waitingForBuild]).kind).toBe('wait');
  });
});
