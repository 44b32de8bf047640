/**
 * One stage: its runOrder waves as rows and its regions as columns, one card per action; a
 * stage in region lanes (or rollout waves) is drawn lane by lane instead (lane-grid.tsx).
 * On a phone the grid becomes a list and each cell says its region and wave. An operator may
 * roll a deploy stage back from its header.
 */
import type { CSSProperties, ReactNode } from 'react';
import type { ExecutionView, StageView } from '../api/types';
import { useMeContext } from '../auth/me-context';
import { durationBetween } from '../lib/format';
import { ActionCard } from './action-card';
import { LaneGrid } from './lane-grid';
import { isDeployStage, RollbackControl } from './rollback-form';
import { StatusBadge } from './status-badge';

export function StageGrid({
  execution,
  stage,
  now,
  selectedAction,
}: {
  execution: ExecutionView;
  stage: StageView;
  now: number;
  selectedAction: string | null;
}) {
  const me = useMeContext();
  const waves = [...new Set(stage.actions.map((a) => a.runOrder))].sort((a, b) => a - b);
  const declared = execution.regions.map((r) => r.name);
  const regions = [...new Set(stage.actions.map((a) => a.region))].sort((a, b) => rank(declared, a) - rank(declared, b));
  const zone = (region: string): string => execution.regions.find((r) => r.name === region)?.timezone ?? 'UTC';
  const style = { '--regions': regions.length } as CSSProperties;
  const inLanes = stage.lanes === 'region' || stage.lanes === 'rollout';
  return (
    <section className="stage" aria-labelledby={`stage-${stage.name}`} data-testid={`stage-${stage.name}`}>
      <header className="stage__header">
        <h3 id={`stage-${stage.name}`}>{stage.name}</h3>
        <StatusBadge status={stage.status} testId={`stage-status-${stage.name}`} />
        <span className="muted small grow">{durationBetween(stage.startedAt, stage.endedAt, now)}</span>
        {me.canOperate && isDeployStage(execution, stage) && <RollbackControl execution={execution} stage={stage} />}
      </header>
      {inLanes ? (
        <LaneGrid execution={execution} stage={stage} regions={regions} zone={zone} now={now} selectedAction={selectedAction} />
      ) : (
        <div className="stage__grid" style={style}>
          <div className="stage__corner" aria-hidden="true" />
          {regions.map((region) => (
            <div key={region} className="stage__region" aria-hidden="true">
              {region}
            </div>
          ))}
          {waves.map((wave) => (
            <Wave
              key={wave}
              wave={wave}
              waves={waves.length}
              regions={regions}
              render={(region) =>
                stage.actions
                  .filter((a) => a.runOrder === wave && a.region === region)
                  .map((action) => (
                    <ActionCard
                      key={action.name}
                      executionId={execution.executionId}
                      action={action}
                      timezone={zone(region)}
                      now={now}
                      selected={selectedAction === action.name}
                      override={action.waitingFor === 'window' ? { region, laneSteps: null } : null}
                    />
                  ))
              }
            />
          ))}
        </div>
      )}
    </section>
  );
}

function Wave({ wave, waves, regions, render }: { wave: number; waves: number; regions: string[]; render: (region: string) => ReactNode }) {
  return (
    <>
      <div className="stage__wave">{waves > 1 ? `runOrder ${wave}` : ''}</div>
      {/* On a phone the grid is one column: --order groups the cells by region, waves in turn. */}
      {regions.map((region, index) => (
        <div key={region} className="stage__cell" style={{ '--order': index * 1000 + wave } as CSSProperties}>
          <div className="stage__cell-caption small muted">
            {region}
            {waves > 1 ? ` · runOrder ${wave}` : ''}
          </div>
          {render(region)}
        </div>
      ))}
    </>
  );
}

function rank(order: string[], region: string): number {
  const index = order.indexOf(region);
  return index === -1 ? order.length : index;
}
