/** A status in CodePipeline's words, coloured by what it means; the word is always shown (never colour alone). */
const TONE: Record<string, string> = {
  Succeeded: 'ok',
  healthy: 'ok',
  Failed: 'bad',
  Abandoned: 'bad',
  failing: 'bad',
  InProgress: 'busy',
  Stopping: 'busy',
  deploying: 'busy',
  Waiting: 'wait',
  Pending: 'idle',
  Skipped: 'idle',
  Stopped: 'idle',
  stopped: 'idle',
  Superseded: 'idle',
  Cancelled: 'idle',
  unknown: 'idle',
};

const LABEL: Record<string, string> = { InProgress: 'In progress' };

export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <span className={`badge badge--${TONE[status] ?? 'idle'}`} data-status={status} data-testid={testId}>
      {LABEL[status] ?? status}
    </span>
  );
}
