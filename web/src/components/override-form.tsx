/**
 * Start a region's waiting actions now, outside its window, with a reason (recorded with the
 * token's name). The override holds for the rest of the execution in that region: in region
 * lanes it lets every remaining step of the lane go, each once the one before it succeeded,
 * and the form says so before it is sent.
 */
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { overrideWindow } from '../api/actions';

/** The region whose window is overridden, and, in region lanes, the lane's steps that have not started. */
export interface OverrideScope {
  region: string;
  laneSteps: string[] | null;
}

export function OverrideForm({ executionId, scope }: { executionId: string; scope: OverrideScope }) {
  const { region, laneSteps } = scope;
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
      {laneSteps !== null && laneSteps.length > 0 && (
        <p className="small" data-testid={`override-lane-${region}`}>
          Lets the {region} lane go now: {laneSteps.length === 1 ? 'its remaining step' : `all its ${laneSteps.length} remaining steps`} (
          <span className="mono">{laneSteps.join(', ')}</span>) start outside the window, each once the one before it succeeded. Other regions keep their
          windows.
        </p>
      )}
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
      {override.isSuccess && <p className="small muted">Overridden: {region} deploys now.</p>}
    </form>
  );
}
