/**
 * 48 hours across, one row per region: its nights shaded (20:00–07:00 local), its allowed
 * windows as bars, the planned deploy as a marker at its start and its lane's steps as bars
 * from each one's expected start to its end (a band to the expected end from a server that
 * sends no lanes), and now as a line. Stage-wide steps of a stage in lanes get a row of their
 * own. Positions are percentages of the span, so the chart fits any width.
 */
import type { CSSProperties } from 'react';
import type { LanePlan, LanePlanStep, PlanView, PlanRegion } from '../api/types';
import { formatInstant, localClock, localSpan } from '../lib/format';

/** A step of a lane, with its stage and zone. */
interface PlacedStep extends LanePlanStep {
  stage: string;
  timezone: string;
}

const HOUR = 3_600_000;

export function Timeline({ plan, now }: { plan: PlanView; now: number }) {
  const from = Date.parse(plan.from);
  const to = Date.parse(plan.to);
  const at = (instant: number): string => `${(((instant - from) / (to - from)) * 100).toFixed(3)}%`;
  const ticks: number[] = [];
  // Every 6 hours, leaving out the last one when its label would run off the right edge.
  for (let t = Math.ceil(from / (6 * HOUR)) * 6 * HOUR; t < to - 2 * HOUR; t += 6 * HOUR) ticks.push(t);
  // Stage-wide steps of stages in lanes (an approval between prepare and switch); not the stages of one region.
  const wide = stepsOf(plan.lanes, (lane) => lane.region === null && lane.order !== 'stage');
  return (
    <div className="timeline" role="img" aria-label={`Windows and planned deploy starts from ${formatInstant(plan.from)} to ${formatInstant(plan.to)}`}>
      <div className="timeline__axis" aria-hidden="true">
        {ticks.map((t) => (
          <span key={t} className="timeline__tick small muted" style={{ left: at(t) }}>
            {formatInstant(new Date(t).toISOString()).slice(5, 16)}
          </span>
        ))}
      </div>
      {plan.regions.map((region) => (
        <Row key={region.name} region={region} steps={stepsOf(plan.lanes, (lane) => lane.region === region.name)} from={from} to={to} at={at} />
      ))}
      {wide.length > 0 && <WideRow steps={wide} from={from} to={to} at={at} />}
      <div className="timeline__overlay" aria-hidden="true">
        {now >= from && now <= to && <div className="timeline__now" style={{ left: at(now) }} title="now" />}
      </div>
    </div>
  );
}

function Row({ region, steps, from, to, at }: { region: PlanRegion; steps: PlacedStep[]; from: number; to: number; at: (instant: number) => string }) {
  const nights = nightSpans(region.timezone, from, to);
  const width = (a: number, b: number): string => `${(((b - a) / (to - from)) * 100).toFixed(3)}%`;
  const span = (a: number, b: number): CSSProperties => ({ left: at(a), width: width(a, b) });
  return (
    <div className="timeline__row" data-testid={`timeline-${region.name}`}>
      <div className="timeline__label small">{region.name}</div>
      <div className="timeline__track">
        {nights.map(([a, b]) => (
          <div key={a} className="timeline__night" style={span(a, b)} />
        ))}
        {region.windows.length === 0 && <div className="timeline__always small muted">always open</div>}
        {region.intervals.map((interval) => (
          <div
            key={interval.opensAt}
            className="timeline__window"
            style={span(Date.parse(interval.opensAt), Date.parse(interval.closesAt))}
            title={`window ${formatInstant(interval.opensAt, region.timezone)} – ${formatInstant(interval.closesAt, region.timezone).slice(11)} ${region.timezone}`}
          />
        ))}
        <Steps steps={steps} from={from} to={to} at={at} />
        {region.plannedStart !== null && Date.parse(region.plannedStart) <= to && (
          <>
            {steps.length === 0 && region.plannedEnd !== null && Date.parse(region.plannedEnd) > Date.parse(region.plannedStart) && (
              <div className="timeline__deploy" style={span(Date.parse(region.plannedStart), Math.min(to, Date.parse(region.plannedEnd)))} />
            )}
            <div
              className="timeline__start"
              style={{ left: at(Math.max(from, Date.parse(region.plannedStart))) }}
              title={`planned deploy start ${formatInstant(region.plannedStart, region.timezone)} ${region.timezone}`}
            />
          </>
        )}
      </div>
    </div>
  );
}

function WideRow({ steps, from, to, at }: { steps: PlacedStep[]; from: number; to: number; at: (instant: number) => string }) {
  return (
    <div className="timeline__row" data-testid="timeline-stage-wide">
      <div className="timeline__label small">every region</div>
      <div className="timeline__track">
        <Steps steps={steps} from={from} to={to} at={at} />
      </div>
    </div>
  );
}

/** Each step as a bar from its start to its end (at least a sliver: a step of unknown duration takes no time). */
function Steps({ steps, from, to, at }: { steps: PlacedStep[]; from: number; to: number; at: (instant: number) => string }) {
  return (
    <>
      {steps.map((step) => {
        if (step.startsAt === null || step.endsAt === null) return null;
        const start = Date.parse(step.startsAt);
        const end = Date.parse(step.endsAt);
        if (end < from || start > to) return null;
        const left = Math.max(from, start);
        const width = `max(3px, ${(((Math.min(to, end) - left) / (to - from)) * 100).toFixed(3)}%)`;
        return (
          <div
            key={`${step.stage}-${step.runOrder}-${step.actions.join(',')}`}
            className="timeline__step"
            style={{ left: at(left), width }}
            data-testid={`timeline-step-${step.actions[0] ?? step.runOrder}`}
            title={`${step.stage} runOrder ${step.runOrder}: ${step.actions.join(', ')}, ${localSpan(step.startsAt, step.endsAt, step.timezone)} ${step.timezone}`}
          />
        );
      })}
    </>
  );
}

/** The steps of the lanes `pick` chooses (none from a server that sends no lanes). */
function stepsOf(lanes: readonly LanePlan[] | undefined, pick: (lane: LanePlan) => boolean): PlacedStep[] {
  return (lanes ?? []).filter(pick).flatMap((lane) => lane.steps.map((step) => ({ ...step, stage: lane.stage, timezone: lane.timezone })));
}

/** [start, end) spans of local night (20:00–07:00), found hour by hour (zones with odd offsets are rounded to the hour). */
function nightSpans(timeZone: string, from: number, to: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let open: number | null = null;
  for (let t = Math.floor(from / HOUR) * HOUR; t < to; t += HOUR) {
    const hour = localClock(new Date(t), timeZone).hour;
    const night = hour < 7 || hour >= 20;
    if (night && open === null) open = Math.max(t, from);
    if (!night && open !== null) {
      spans.push([open, t]);
      open = null;
    }
  }
  if (open !== null) spans.push([open, to]);
  return spans;
}
