/** Start a region's waiting actions now, outside its window, with a reason (recorded with the token's name). */
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { overrideWindow } from '../api/actions';

export function OverrideForm({ executionId, region }: { executionId: string; region: string }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const id = useId();
  const override = useMutation({ mutationFn: () => overrideWindow(executionId, region, reason) });
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Override window…
      </button>
    );
  return (
    <form
      className="inline-form"
      aria-label={`Override the window of ${region}`}
      onSubmit={(e) => {
        e.preventDefault();
        override.mutate();
      }}
    >
      <label htmlFor={id} className="small">
        Reason (required)
      </label>
      <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={200} />
      <div className="buttons">
        <button type="submit" className="danger" disabled={override.isPending || reason.trim() === ''}>
          Deploy {region} now
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {override.error && <p className="problem">{override.error.message}</p>}
    </form>
  );
}
