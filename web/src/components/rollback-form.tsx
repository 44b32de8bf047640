/**
 * Rolling a deploy stage back (operator), from an ended execution's page. On the pipeline's
 * newest execution: each region back to its last good run of the stage. On an older execution
 * whose stage succeeded: every region back to this execution (`targetPipelineExecutionId`).
 * The server decides what is rolled back (the stage as its latest run left it) and refuses,
 * with a message shown here, what cannot be; the rollback execution it starts is opened.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { rollbackStage } from '../api/actions';
import { ApiError } from '../api/client';
import { useRecentExecutions } from '../api/queries';
import type { ExecutionView, StageView } from '../api/types';
import { shortId } from '../lib/format';
import { href, navigate } from '../router';

const UNFINISHED = new Set(['InProgress', 'Stopping']);

/** A stage that deploys: it ran, produced no artifact (Source and Build stages do) and is not only approvals. */
export function isDeployStage(execution: ExecutionView, stage: StageView): boolean {
  const producers = new Set(execution.artifacts.map((a) => a.producedBy));
  return stage.actions.some((a) => a.category !== 'Approval' && a.attempts > 0) && !stage.actions.some((a) => producers.has(a.name) || a.category === 'Source');
}

export function RollbackControl({ execution, stage }: { execution: ExecutionView; stage: StageView }) {
  const newest = useRecentExecutions(execution.pipeline, 1).data?.[0];
  if (newest === undefined || UNFINISHED.has(execution.status)) return null;
  const toThis = newest.executionId !== execution.executionId;
  if (toThis && (stage.status !== 'Succeeded' || execution.trigger.type === 'rollback')) return null;
  const regions = [...new Set(stage.actions.filter((a) => a.attempts > 0).map((a) => a.region))];
  return <RollbackForm key={String(toThis)} execution={execution} stage={stage.name} regions={regions} toThis={toThis} />;
}

function RollbackForm({ execution, stage, regions, toThis }: { execution: ExecutionView; stage: string; regions: string[]; toThis: boolean }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState(regions);
  const rollback = useMutation({
    mutationFn: () =>
      rollbackStage(execution.pipeline, stage, {
        ...(toThis ? { targetPipelineExecutionId: execution.executionId } : {}),
        ...(chosen.length === regions.length ? {} : { regions: chosen }),
      }),
    onSuccess: async ({ executionIds }) => {
      await client.invalidateQueries({ queryKey: ['executions'] });
      if (executionIds.length === 1 && executionIds[0] !== undefined) navigate({ page: 'execution', id: executionIds[0], action: null });
    },
  });
  const label = toThis ? 'Roll back to this execution…' : 'Roll back…';
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)} aria-label={`${label} (stage ${stage})`}>
        {label}
      </button>
    );
  const started = rollback.data?.executionIds ?? [];
  return (
    <form
      className="inline-form rollback-form"
      aria-label={`Roll back stage ${stage}`}
      onSubmit={(e) => {
        e.preventDefault();
        rollback.mutate();
      }}
    >
      <p className="small" data-testid="rollback-explanation">
        {toThis
          ? `Stage ${stage} goes back to this execution (${shortId(execution.executionId)}) in each region checked: its actions run again as this execution ran them, with the same artifacts, in a new rollback execution.`
          : `Stage ${stage} goes back, in each region checked, to its last good run there: the latest earlier execution that succeeded in that region with other artifacts. Its actions run again as that execution ran them, in a new rollback execution.`}
      </p>
      {regions.length > 1 && (
        <fieldset className="regions-choice">
          <legend className="small">Regions</legend>
          {regions.map((region) => (
            <label key={region} className="check small">
              <input
                type="checkbox"
                checked={chosen.includes(region)}
                onChange={(e) => setChosen(e.target.checked ? regions.filter((r) => r === region || chosen.includes(r)) : chosen.filter((r) => r !== region))}
              />
              {region}
            </label>
          ))}
        </fieldset>
      )}
      <div className="buttons">
        <button type="submit" className="danger" disabled={rollback.isPending || chosen.length === 0}>
          {rollback.isPending ? 'Rolling back…' : `Roll back ${chosen.join(', ')}`}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {rollback.error && (
        <p className="problem" role="alert" data-testid="rollback-problem">
          {rollback.error.message}
        </p>
      )}
      {rollback.error instanceof ApiError && rollback.error.status === 409 && !toThis && (
        <p className="muted small">To go back to a particular execution, open it and choose Roll back to this execution.</p>
      )}
      {started.length > 1 && (
        <p className="small" role="status">
          Rollback executions started:{' '}
          {started.map((id) => (
            <a key={id} className="mono" href={href({ page: 'execution', id, action: null })}>
              {shortId(id)}{' '}
            </a>
          ))}
        </p>
      )}
    </form>
  );
}
