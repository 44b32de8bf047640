import { describe, expect, it } from 'vitest';
import type { ActionStatus, ExecutionStatus, StageStatus } from '../../src/domain/execution.js';
import { nextStep, type StepInput } from '../../src/domain/next-step.js';

function input(status: ExecutionStatus, stages: StageStatus[], actions: Array<[number, number, ActionStatus]>): StepInput {
  return {
    status,
    stages: stages.map((s, index) => ({ index, status: s })),
    actions: actions.map(([stageIndex, runOrder, status], actionIndex) => ({
      stageIndex,
      actionIndex,
      runOrder,
      status,
      name: `a${actionIndex}`,
      error: status === 'Failed' ? { code: 'ACTION_FAILED', message: 'boom' } : null,
    })),
  };
}

describe('nextStep', () => {
  it('starts the first stage, then every action of its lowest runOrder together', () => {
    expect(
      nextStep(
        input(
          'InProgress',
          ['Pending', 'Pending'],
          [
            [0, 1, 'Pending'],
            [1, 1, 'Pending'],
          ],
        ),
      ),
    ).toEqual({ kind: 'start-stage', stageIndex: 0 });
    const step = nextStep(
      input(
        'InProgress',
        ['InProgress'],
        [
          [0, 2, 'Pending'],
          [0, 1, 'Pending'],
          [0, 1, 'Pending'],
          [0, 3, 'Pending'],
        ],
      ),
    );
    expect(step).toEqual({ kind: 'start-actions', stageIndex: 0, runOrder: 1, actionIndexes: [1, 2] });
  });

  it('waits while any action of the wave runs, then starts the next runOrder', () => {
    expect(
      nextStep(
        input(
          'InProgress',
          ['InProgress'],
          [
            [0, 1, 'Succeeded'],
            [0, 1, 'InProgress'],
            [0, 2, 'Pending'],
          ],
        ),
      ).kind,
    ).toBe('wait');
    expect(
      nextStep(
        input(
          'InProgress',
          ['InProgress'],
          [
            [0, 1, 'Succeeded'],
            [0, 1, 'Waiting'],
            [0, 2, 'Pending'],
          ],
        ),
      ).kind,
    ).toBe('wait');
    expect(
      nextStep(
        input(
          'InProgress',
          ['InProgress'],
          [
            [0, 1, 'Succeeded'],
            [0, 1, 'Succeeded'],
            [0, 2, 'Pending'],
          ],
        ),
      ),
    ).toMatchObject({ kind: 'start-actions', runOrder: 2, actionIndexes: [2] });
  });

  it('after a failure lets running actions finish and starts nothing else', () => {
    const running = input(
      'InProgress',
      ['InProgress', 'Pending'],
      [
        [0, 1, 'Failed'],
        [0, 1, 'InProgress'],
        [0, 2, 'Pending'],
        [1, 1, 'Pending'],
      ],
    );
    expect(nextStep(running).kind).toBe('wait');
    const settled = input(
      'InProgress',
      ['InProgress', 'Pending'],
      [
        [0, 1, 'Failed'],
        [0, 1, 'Succeeded'],
        [0, 2, 'Pending'],
        [1, 1, 'Pending'],
      ],
    );
    expect(nextStep(settled)).toEqual({ kind: 'finish-stage', stageIndex: 0, status: 'Failed' });
    const failedStage = input(
      'InProgress',
      ['Failed', 'Pending'],
      [
        [0, 1, 'Failed'],
        [0, 1, 'Succeeded'],
        [0, 2, 'Pending'],
        [1, 1, 'Pending'],
      ],
    );
    expect(nextStep(failedStage)).toEqual({ kind: 'finish-execution', status: 'Failed', error: { code: 'ACTION_FAILED', message: 'a0: boom' } });
  });

  it('succeeds the stage when every action succeeded, and the execution after the last stage', () => {
    expect(nextStep(input('InProgress', ['InProgress'], [[0, 1, 'Succeeded']]))).toEqual({ kind: 'finish-stage', stageIndex: 0, status: 'Succeeded' });
    expect(
      nextStep(
        input(
          'InProgress',
          ['Succeeded', 'Succeeded'],
          [
            [0, 1, 'Succeeded'],
            [1, 1, 'Succeeded'],
          ],
        ),
      ),
    ).toEqual({ kind: 'finish-execution', status: 'Succeeded', error: null });
  });

  it('stop and wait: no new action starts, the stage and execution end Stopped once running ones finish', () => {
    expect(
      nextStep(
        input(
          'Stopping',
          ['InProgress'],
          [
            [0, 1, 'InProgress'],
            [0, 2, 'Pending'],
          ],
        ),
      ).kind,
    ).toBe('wait');
    expect(
      nextStep(
        input(
          'Stopping',
          ['InProgress'],
          [
            [0, 1, 'Succeeded'],
            [0, 2, 'Pending'],
          ],
        ),
      ),
    ).toEqual({ kind: 'finish-stage', stageIndex: 0, status: 'Stopped' });
    expect(
      nextStep(
        input(
          'Stopping',
          ['Stopped'],
          [
            [0, 1, 'Succeeded'],
            [0, 2, 'Pending'],
          ],
        ),
      ),
    ).toMatchObject({ kind: 'finish-execution', status: 'Stopped' });
  });

  it('does nothing for an execution that has ended', () => {
    expect(nextStep(input('Succeeded', ['Succeeded'], [[0, 1, 'Succeeded']]))).toEqual({ kind: 'done' });
  });
});
