/**
 * PutApprovalResult: an operator answers a manual approval while it waits, once. The answer
 * is kept in the store with who and why, and recorded as an event; the approval provider,
 * polling through its job host, picks it up and ends the action.
 */
import { MeridianError } from '../domain/errors.js';
import type { EngineCore } from './engine-core.js';

export interface ApprovalAnswer {
  status: 'Approved' | 'Rejected';
  comment: string | null;
  by: string;
  /** Names the stage when several have an action of that name. */
  stage?: string;
}

export async function answerApproval(core: EngineCore, executionId: string, actionName: string, answer: ApprovalAnswer): Promise<void> {
  const { store, clock } = core;
  await core.write(executionId, async (tx, record) => {
    const snapshot = await store.snapshot(tx, executionId);
    const matches = snapshot.actions.filter((a) => a.name === actionName && (answer.stage === undefined || a.stage === answer.stage));
    const action = matches[0];
    if (!action) {
      const approvals = snapshot.actions
        .filter((a) => snapshot.execution.definition.stages[a.stageIndex]?.actions[a.actionIndex]?.type.category === 'Approval')
        .map((a) => a.name);
      throw new MeridianError('NOT_FOUND', `execution ${executionId} has no action ${actionName}; its approval actions: ${approvals.join(', ') || 'none'}`);
    }
    if (matches.length > 1) throw new MeridianError('BAD_INPUT', `several stages have an action ${actionName}; pass --stage`);
    const declared = snapshot.execution.definition.stages[action.stageIndex]?.actions[action.actionIndex];
    if (declared?.type.category !== 'Approval') {
      throw new MeridianError(
        'BAD_INPUT',
        `${actionName} is a ${declared ? `${declared.type.category}/${declared.type.provider}` : 'unknown'} action, not a manual approval`,
      );
    }
    if (action.status !== 'Waiting' && action.status !== 'InProgress') {
      throw new MeridianError('CONFLICT', `${actionName} is ${action.status}, not waiting for approval; an approval can be answered once, while it waits`);
    }
    const at = clock.now().toISOString();
    await store.recordApproval(tx, {
      executionId,
      stage: action.stage,
      action: action.name,
      status: answer.status,
      comment: answer.comment,
      by: answer.by,
      at,
    });
    const verb = answer.status === 'Approved' ? 'approved' : 'rejected';
    await record({
      type: 'approval',
      stage: action.stage,
      action: action.name,
      description: `${action.name} ${verb} by ${answer.by}${answer.comment ? `: ${answer.comment}` : ''}`,
      data: { status: answer.status, by: answer.by, comment: answer.comment },
    });
  });
}
