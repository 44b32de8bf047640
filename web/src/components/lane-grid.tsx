/**
 * A stage in region lanes (domain/region-lanes.ts): one row per region, its steps left to
 * right in runOrder order, each lane inside its own window; a stage-wide step is one cell
 * spanning every lane at its runOrder, since it holds them all. The override of a lane's
 * window sits on the step that waits for it and lets every remaining step of the lane go.
 * On a phone the grid becomes a list: stage-wide steps, then lane after lane.
 */
import type { CSSProperties } from 'react';
import type { ActionView, ExecutionView, StageView } from '../api/types';
import { href } from '../router';
import { ActionCard } from './action-card';
import './lanes.css';

interface Column {
  runOrder: number;
  /** A column of stage-wide steps. */
  wide: boolean;
}

const PENDING = new Set(['Pending', 'Waiting']);

/** The action's lane: its region, null when stage-wide (a view without lanes: its region). */
export function laneOf(action: ActionView): string | null {
  return action.lane === undefined ? action.region : action.lane;
}

export function LaneGrid({
  execution,
  stage,
  regions,
  zone,
  now,
  selectedAction,
}: {
  execution: ExecutionView;
  stage: StageView;
  regions: string[];
  zone: (region: string) => string;
  now: number;
  selectedAction: string | null;
}) {
  const lanes = regions.filter((region) => stage.actions.some((a) => laneOf(a) === region));
  const columns = columnsOf(stage.actions);
  const card = (action: ActionView, override: ActionView | undefined, steps: string[]) => (
    <ActionCard
      key={action.name}
      executionId={execution.executionId}
      action={action}
      timezone={zone(action.region)}
      now={now}
      selected={selectedAction === action.name}
      override={override === action ? { region: action.region, laneSteps: steps } : null}
    />
  );
  const grid = { '--columns': columns.length, '--lanes': lanes.length } as CSSProperties;
  return (
    <div className="lanes" style={grid} data-testid={`lanes-${stage.name}`} data-order={stage.lanes ?? ''}>
      <div className="lanes__corner small muted" style={{ gridRow: 1, gridColumn: 1 }}>
        {stage.lanes === 'rollout' ? 'rollout waves, a lane per region' : 'a lane per region'}
        <br />
        <a href={href({ page: 'night', pipeline: execution.pipeline })}>follow the night</a>
      </div>
      {columns.map((column, c) => (
        <div key={`${column.runOrder}-${column.wide}`} className="lanes__step small muted" style={{ gridRow: 1, gridColumn: c + 2 }}>
          runOrder {column.runOrder}
          {column.wide && ' · every region'}
        </div>
      ))}
      {columns.map((column, c) => {
        if (!column.wide) return null;
        const wide = stage.actions.filter((a) => laneOf(a) === null && a.runOrder === column.runOrder);
        return (
          <div
            key={`wide-${column.runOrder}`}
            className="lanes__cell lanes__cell--wide"
            style={{ gridRow: `2 / span ${Math.max(1, lanes.length)}`, gridColumn: c + 2, '--order': column.runOrder - 100_000 } as CSSProperties}
          >
            <div className="lanes__caption small muted">every region · runOrder {column.runOrder}</div>
            {wide.map((action) => card(action, undefined, []))}
          </div>
        );
      })}
      {lanes.map((lane, l) => {
        const own = stage.actions.filter((a) => laneOf(a) === lane).sort((a, b) => a.runOrder - b.runOrder);
        const remaining = own.filter((a) => PENDING.has(a.status));
        // One override per lane, on the first of its steps that waits for the window.
        const holder = own.find((a) => a.status === 'Waiting' && a.waitingFor === 'window');
        const done = own.filter((a) => a.status === 'Succeeded' || a.status === 'Skipped').length;
        return [
          <div
            key={`lane-${lane}`}
            className="lanes__lane"
            style={{ gridRow: l + 2, gridColumn: 1, '--order': l * 1000 } as CSSProperties}
            data-testid={`lane-${stage.name}-${lane}`}
          >
            <strong>{lane}</strong>
            <span className="small muted">{zone(lane)}</span>
            <span className="small muted" data-testid={`lane-progress-${stage.name}-${lane}`}>
              {done} of {own.length} step{own.length === 1 ? '' : 's'} done
            </span>
          </div>,
          ...columns.map((column, c) =>
            column.wide ? null : (
              <div
                key={`${lane}-${column.runOrder}`}
                className="lanes__cell"
                style={{ gridRow: l + 2, gridColumn: c + 2, '--order': l * 1000 + column.runOrder } as CSSProperties}
              >
                {own
                  .filter((a) => a.runOrder === column.runOrder)
                  .map((action) =>
                    card(
                      action,
                      holder,
                      remaining.map((a) => a.name),
                    ),
                  )}
              </div>
            ),
          ),
        ];
      })}
    </div>
  );
}

/** One column per runOrder of lane steps, and one before it for the stage-wide steps of that runOrder. */
function columnsOf(actions: readonly ActionView[]): Column[] {
  const runOrders = [...new Set(actions.map((a) => a.runOrder))].sort((a, b) => a - b);
  return runOrders.flatMap((runOrder) => {
    const at = actions.filter((a) => a.runOrder === runOrder);
    const columns: Column[] = [];
    if (at.some((a) => laneOf(a) === null)) columns.push({ runOrder, wide: true });
    if (at.some((a) => laneOf(a) !== null)) columns.push({ runOrder, wide: false });
    return columns;
  });
}
