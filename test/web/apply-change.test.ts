/** A committed engine event patches the execution view the page holds, before the full view is read. */
import { describe, expect, it } from 'vitest';
import { applyChange, type Change } from '../../web/src/api/apply-change.js';
import type { ActionView, ExecutionView } from '../../web/src/api/types.js';

const action = (name: string, status: ActionView['status']): ActionView => ({
  name,
  stage: 'Deploy',
  region: 'eu-west-1',
  runOrder: 1,
  status,
  startedAt: null,
  endedAt: null,
  attempts: 0,
  outputVariables: {},
  error: null,
  provider: 'Compute/AWS/Commands',
  category: 'Compute',
  waitingReason: null,
  waitingFor: null,
  opensAt: null,
});

const view: ExecutionView = {
  executionId: 'e1',
  pipeline: 'p',
  status: 'InProgress',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: null,
  trigger: { type: 'api' },
  error: null,
  stages: [{ name: 'Deploy', status: 'Pending', startedAt: null, endedAt: null, actions: [action('a', 'Pending'), action('b', 'Pending')] }],
  stageWait: null,
  artifacts: [],
  sources: [],
  regions: [],
};

const change = (type: string, stage: string | null, name: string | null, status: string, at = '2026-01-01T00:01:00.000Z'): Change => ({
  seq: 1,
  executionId: 'e1',
  at,
  type,
  stage,
  action: name,
  description: '',
  data: { status },
});

describe('applying a change to the execution view', () => {
  it('sets the status and times of the action, stage or execution the event names', () => {
    let next = applyChange(view, change('stage-started', 'Deploy', null, 'InProgress'));
    next = applyChange(next, change('action-started', 'Deploy', 'a', 'InProgress'));
    expect(next.stages[0]?.status).toBe('InProgress');
    expect(next.stages[0]?.actions[0]).toMatchObject({ status: 'InProgress', startedAt: '2026-01-01T00:01:00.000Z', endedAt: null });
    expect(next.stages[0]?.actions[1]?.status).toBe('Pending');
    next = applyChange(next, change('action-finished', 'Deploy', 'a', 'Succeeded', '2026-01-01T00:02:00.000Z'));
    expect(next.stages[0]?.actions[0]).toMatchObject({ status: 'Succeeded', startedAt: '2026-01-01T00:01:00.000Z', endedAt: '2026-01-01T00:02:00.000Z' });
    next = applyChange(next, change('execution-finished', null, null, 'Failed', '2026-01-01T00:03:00.000Z'));
    expect(next).toMatchObject({ status: 'Failed', endedAt: '2026-01-01T00:03:00.000Z' });
    // The view it started from is left as it was.
    expect(view.stages[0]?.actions[0]?.status).toBe('Pending');
  });

  it('leaves the view alone for events without a status', () => {
    expect(applyChange(view, { ...change('stage-waiting', 'Deploy', null, ''), data: { reason: 'locked' } })).toBe(view);
  });
});
