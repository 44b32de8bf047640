/**
 * "Halt deploys…" for operators, in the header of every page: a region (or every region) and a
 * reason, then a confirmation that says what stops. A halt that another operator gave first is
 * refused by the server, and its message (who, when, why) is shown.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { haltDeploys } from '../api/actions';
import { usePipelines } from '../api/queries';
import { useMeContext } from '../auth/me-context';
import { scopeOf } from './halt-banner';

export function HaltControl() {
  const me = useMeContext();
  const dialog = useRef<HTMLDialogElement>(null);
  const [opened, setOpened] = useState(0);
  if (!me.canOperate) return null;
  return (
    <>
      <button
        type="button"
        className="danger"
        onClick={() => {
          setOpened((n) => n + 1);
          dialog.current?.showModal();
        }}
      >
        Halt deploys…
      </button>
      <dialog ref={dialog} className="halt-dialog" aria-label="Halt deploys">
        {/* A fresh form each time it opens. */}
        <HaltForm key={opened} close={() => dialog.current?.close()} />
      </dialog>
    </>
  );
}

function HaltForm({ close }: { close: () => void }) {
  const client = useQueryClient();
  const pipelines = usePipelines().data ?? [];
  const regions = [...new Set(pipelines.flatMap((p) => [...p.regions.map((r) => r.name), ...p.stages.flatMap((s) => s.actions.map((a) => a.region))]))].sort();
  const [region, setRegion] = useState('');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const ids = { region: useId(), reason: useId() };
  const chosen = region === '' ? null : region;
  const halt = useMutation({
    mutationFn: () => haltDeploys(chosen, reason),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['halts'] });
      close();
    },
  });
  return (
    <form
      aria-label="Halt deploys"
      onSubmit={(e) => {
        e.preventDefault();
        if (!confirming) setConfirming(true);
        else halt.mutate();
      }}
    >
      <h2>Halt deploys</h2>
      {!confirming ? (
        <>
          <label htmlFor={ids.region} className="small">
            Where
          </label>
          <select id={ids.region} value={region} onChange={(e) => setRegion(e.target.value)}>
            <option value="">Every region</option>
            {regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <label htmlFor={ids.reason} className="small">
            Reason (required)
          </label>
          <input id={ids.reason} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={512} autoFocus />
        </>
      ) : (
        <p data-testid="halt-confirmation">
          Halt deploys to <strong>{scopeOf(chosen)}</strong>? No deploy step (Deploy, Invoke, Compute) will start there until the halt is lifted. Steps already
          running finish; source, build, test and approval steps go on. Reason: {reason.trim()}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="danger" disabled={halt.isPending || reason.trim() === ''}>
          {confirming ? `Halt deploys to ${scopeOf(chosen)}` : 'Continue…'}
        </button>
        <button type="button" onClick={() => (confirming ? setConfirming(false) : close())}>
          {confirming ? 'Back' : 'Cancel'}
        </button>
      </div>
      {halt.error && <p className="problem">{halt.error.message}</p>}
    </form>
  );
}
