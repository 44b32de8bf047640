/**
 * On every page while an emergency halt is active: where deploys are halted, by whom, when and
 * why. Operators may lift a halt here (a reason, then a confirmation); viewers only see it.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { liftHalt } from '../api/actions';
import { useHalts, type Halt } from '../api/queries';
import { useMeContext } from '../auth/me-context';
import { formatInstant, relativeTime } from '../lib/format';
import { useNow } from '../lib/use-now';
import './halt-banner.css';

export function scopeOf(region: string | null): string {
  return region === null ? 'every region' : region;
}

export function HaltBanner() {
  const halts = useHalts().data ?? [];
  const me = useMeContext();
  const now = useNow(15_000);
  if (halts.length === 0) return null;
  // A halt given since the last tick (or by a server whose clock is ahead) reads "0s ago", never "in 1s".
  const ago = (at: string): string => relativeTime(at, Math.max(now, Date.parse(at)));
  return (
    <section className="halt-banner" role="alert" aria-label="Deploys halted" data-testid="halt-banner">
      {halts.map((halt) => (
        <div key={halt.id} className="halt-banner__line" data-testid={`halt-${halt.region ?? 'everywhere'}`}>
          <span className="halt-banner__title">Deploys halted in {scopeOf(halt.region)}</span>
          <span>
            by <strong>{halt.by}</strong> at{' '}
            <time dateTime={halt.at} title={`${formatInstant(halt.at, 'UTC')} UTC`}>
              {formatInstant(halt.at)}
            </time>{' '}
            ({ago(halt.at)}): {halt.reason}
          </span>
          <span className="small muted">No deploy step starts there until the halt is lifted; running steps finish.</span>
          {me.canOperate && <LiftForm halt={halt} />}
        </div>
      ))}
    </section>
  );
}

function LiftForm({ halt }: { halt: Halt }) {
  const client = useQueryClient();
  const [step, setStep] = useState<'closed' | 'reason' | 'confirm'>('closed');
  const [reason, setReason] = useState('');
  const id = useId();
  const where = scopeOf(halt.region);
  const lift = useMutation({
    mutationFn: () => liftHalt(halt.region, reason),
    onSettled: () => client.invalidateQueries({ queryKey: ['halts'] }),
  });
  if (step === 'closed')
    return (
      <button type="button" onClick={() => setStep('reason')} aria-label={`Lift halt of ${where}…`}>
        Lift halt…
      </button>
    );
  return (
    <form
      className="inline-form"
      aria-label={`Lift the halt of ${where}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (step === 'reason') setStep('confirm');
        else lift.mutate();
      }}
    >
      {step === 'reason' ? (
        <>
          <label htmlFor={id} className="small">
            Why lift it? (required)
          </label>
          <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={512} autoFocus />
        </>
      ) : (
        <p className="small">
          Lift the halt of {where}? Deploy steps held there start again (where their windows allow). Reason: {reason.trim()}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="danger" disabled={lift.isPending || reason.trim() === ''}>
          {step === 'reason' ? 'Continue…' : `Lift halt of ${where}`}
        </button>
        <button type="button" onClick={() => (step === 'confirm' ? setStep('reason') : setStep('closed'))}>
          {step === 'confirm' ? 'Back' : 'Cancel'}
        </button>
      </div>
      {lift.error && <p className="problem">{lift.error.message}</p>}
    </form>
  );
}
