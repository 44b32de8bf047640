/**
 * Each lane of each stage that deploys to several regions, as an execution that windows hold
 * would run it (the plan's `lanes`, domain/lane-plan.ts): its steps in runOrder order, when
 * each is expected to start and end, and in which window, in the lane's own zone and with the
 * day, since a lane's night may cross midnight or wait for another day.
 */
import type { LanePlan, StageOrder } from '../api/types';
import { formatDuration, localSpan, relativeTime } from '../lib/format';
import '../components/lanes.css';

const ORDER: Record<StageOrder, string> = {
  region: 'each region through its own runOrders, in its own window',
  stage: 'runOrder stage-wide: each runOrder once the one before ended everywhere',
  rollout: 'by rollout wave, each region of a wave through its own runOrders',
};

export function LanesTable({ lanes, now }: { lanes: readonly LanePlan[]; now: number }) {
  const stages = [...new Set(lanes.filter((l) => l.region !== null).map((l) => l.stage))];
  if (stages.length === 0) return null;
  return (
    <div className="lane-table">
      {stages.map((stage) => {
        const ofStage = lanes.filter((l) => l.stage === stage);
        const order = ofStage[0]?.order ?? 'region';
        return (
          <div key={stage} data-testid={`plan-lanes-${stage}`}>
            <h3>
              {stage} <span className="small muted">· {ORDER[order]}</span>
            </h3>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Lane</th>
                    <th scope="col">runOrder</th>
                    <th scope="col">Actions</th>
                    <th scope="col">Expected</th>
                    <th scope="col">Starts – ends (local)</th>
                    <th scope="col">Window (local)</th>
                  </tr>
                </thead>
                <tbody>
                  {ofStage.map((lane) =>
                    lane.steps.map((step, s) => (
                      <tr key={`${lane.region ?? '*'}-${step.runOrder}`} data-testid={`plan-step-${step.actions[0] ?? step.runOrder}`}>
                        {s === 0 && (
                          <th scope="rowgroup" rowSpan={lane.steps.length} className="small">
                            <strong>{lane.region ?? 'every region'}</strong>
                            <div className="muted">{lane.region === null ? 'stage-wide steps' : lane.timezone}</div>
                          </th>
                        )}
                        <td className="small">{step.runOrder}</td>
                        <td className="small mono">{step.actions.join(', ')}</td>
                        <td className="small">{step.expectedMs > 0 ? formatDuration(step.expectedMs) : 'unknown'}</td>
                        <td className="small">
                          {step.startsAt === null || step.endsAt === null ? (
                            (step.note ?? '—')
                          ) : (
                            <>
                              <time dateTime={step.startsAt}>{localSpan(step.startsAt, step.endsAt, lane.timezone)}</time>{' '}
                              <span className="muted">({relativeTime(step.startsAt, now)})</span>
                            </>
                          )}
                        </td>
                        <td className="small">
                          {step.window === null ? 'no window: always open' : localSpan(step.window.opensAt, step.window.closesAt, lane.timezone)}
                        </td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          </div>
        );
      })}
    </div>
  );
}
