/**
 * PutApprovalResult: an operator answers a manual approval while it waits, once. The answer
 * is kept in the store with who and why, and recorded as an event; the approval provider,
 * polling through its job host, picks it up and ends the action. The first answer to a wait
 * stands: the store records it by compare-and-set (stores/state/approval-records.ts), so a
 * later answer (a second operator, a Reject then an Approve) is refused with CONFLICT naming
 * the one that stands, and a rejection never turns into a deploy.
 */
import { MeridianError } from '../domain/errors.js';
import { hasControlCharacter } from '../domain/one-line-text.js';
import type { ApprovalRecord } from '../domain/records.js';
import type { EngineCore } from './engine-core.js';

export interface ApprovalAnswer {
  status: 'Approved' | 'Rejected';
  comment: string | null;
  by: string;
  /** Names the stage when several have an action of that name. */
  stage?: string;
}

/** Records the answer; returns it as stored. CONFLICT when the action is not waiting, or its wait has an answer already. */
export async function answerApproval(core: EngineCore, executionId: string, actionName: string, answer: ApprovalAnswer): Promise<ApprovalRecord> {
  checkText(answer);
  const { store, clock } = core;
  return core.write(executionId, async (tx, record) => {
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
      const last =
        action.startedAt === null
          ? undefined
          : await store.findApproval(tx, { executionId, stage: action.stage, action: action.name, since: action.startedAt });
      const answered = last === undefined ? '' : ` (its last wait was ${described(last)})`;
      throw new MeridianError(
        'CONFLICT',
        `${actionName} is ${action.status}, not waiting for approval${answered}; an approval can be answered once, while it waits`,
        last === undefined ? {} : { details: { answer: last } },
      );
    }
    const approval: ApprovalRecord = {
      executionId,
      stage: action.stage,
      action: action.name,
      status: answer.status,
      comment: answer.comment,
      by: answer.by,
      at: clock.now().toISOString(),
    };
    const { recorded, standing } = await store.recordApproval(tx, approval);
    if (!recorded) throw answeredAlready(standing);
    const verb = answer.status === 'Approved' ? 'approved' : 'rejected';
    await record({
      type: 'approval',
      stage: action.stage,
      action: action.name,
      description: `${action.name} ${verb} by ${answer.by}${answer.comment ? `: ${answer.comment}` : ''}`,
      data: { status: answer.status, by: answer.by, comment: answer.comment, at: approval.at },
    });
    return approval;
  });
}

/** The refusal of a second answer: who gave the first, what and when. */
function answeredAlready(standing: ApprovalRecord): MeridianError {
  return new MeridianError('CONFLICT', `${standing.action} was already ${described(standing)}; the first answer stands and this one is not recorded`, {
    details: { answer: standing },
  });
}

function described(answer: ApprovalRecord): string {
  return `${answer.status === 'Approved' ? 'approved' : 'rejected'} by ${answer.by ?? 'someone unnamed'} at ${answer.at}`;
}

/** The comment and the answerer's name go into events and logs as they are: one line each. */
function checkText(answer: ApprovalAnswer): void {
  if (answer.comment !== null && hasControlCharacter(answer.comment)) {
    throw new MeridianError(
      'BAD_INPUT',
      'an approval comment is one line of printable text, without control characters (CR, LF, tab...): it is written into events and logs as it is',
    );
  }
  if (hasControlCharacter(answer.by)) {
    throw new MeridianError(
      'BAD_INPUT',
      'who answers (--by, or the token name) must be one line of printable text, without control characters (CR, LF, tab...)',
    );
  }
}
