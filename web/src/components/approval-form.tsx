/** Approve or reject a waiting manual approval, with a comment (recorded with the token's name). */
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { answerApproval } from '../api/actions';
import type { ActionView } from '../api/types';

export function ApprovalForm({ executionId, action }: { executionId: string; action: ActionView }) {
  const [comment, setComment] = useState('');
  const id = useId();
  const answer = useMutation({ mutationFn: (status: 'Approved' | 'Rejected') => answerApproval(executionId, action.stage, action.name, status, comment) });
  return (
    <form className="inline-form" onSubmit={(e) => e.preventDefault()} aria-label={`Answer ${action.name}`}>
      <label htmlFor={id} className="small">
        Comment
      </label>
      <input id={id} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={512} placeholder="why (optional)" />
      <div className="buttons">
        <button type="button" className="primary" disabled={answer.isPending} onClick={() => answer.mutate('Approved')}>
          Approve
        </button>
        <button type="button" className="danger" disabled={answer.isPending} onClick={() => answer.mutate('Rejected')}>
          Reject
        </button>
      </div>
      {answer.error && <p className="problem">{answer.error.message}</p>}
    </form>
  );
}
