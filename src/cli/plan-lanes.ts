/**
 * `meridian plan` for a terminal: each region's lane (domain/lane-plan.ts), stage by stage,
 * with every step's start and end in UTC and in the region's own time, grouped under the
 * window it runs in, and one line for the whole pass. Fits 100 columns but for long action
 * names. Shown for the stages windows order: region lanes, rollouts, and stage-wide stages
 * whose actions wait for windows.
 */
import { NEVER_NOTE, type LanePlan, type LanePlanStep, type PipelinePlan, type StagePlan } from '../domain/lane-plan.js';
import type { Pipeline } from '../domain/pipeline.js';
import { deploySteps } from '../domain/plan-windows.js';
import { isGatedByWindows, windowsOfRegion } from '../domain/region-windows.js';
import { formatSpan } from '../domain/window-gate.js';

const WIDTH = 100;
const DAY = 86_400_000;

export function laneLines(pipeline: Pipeline, plan: PipelinePlan): string[] {
  const shown = plan.stages.filter((stage) => stage.order !== 'stage' || waitsForWindows(pipeline, stage.stage));
  if (shown.length === 0) return [];
  const lines: string[] = [];
  for (const stage of shown) {
    const lanes = plan.lanes.filter((lane) => lane.stage === stage.stage);
    const how = stage.order === 'region' ? 'in region lanes' : stage.order === 'rollout' ? 'in rollout waves' : 'with runOrder stage-wide';
    lines.push('', ...wrap(`Stage ${stage.stage}, ${how}: ${stage.why}`, ''));
    if (stage.order === 'rollout') lines.push(...waveLines(pipeline, stage, lanes));
    else for (const lane of byStart(lanes)) lines.push(...laneBlock(pipeline, lane));
  }
  lines.push('', summary(pipeline, plan));
  return lines;
}

/** A rollout stage: its waves in order, each region's lane, then the bake. */
function waveLines(pipeline: Pipeline, stage: StagePlan, lanes: readonly LanePlan[]): string[] {
  const lines: string[] = [];
  const bakeMs = pipeline.rollout?.bakeMs ?? 0;
  stage.waves.forEach((wave, w) => {
    lines.push(`  wave ${w + 1}: ${wave.regions.join(', ')}`);
    for (const lane of byStart(lanes.filter((l) => l.region !== null && wave.regions.includes(l.region)))) lines.push(...laneBlock(pipeline, lane, '  '));
    if (bakeMs > 0 && wave.endsAt !== null && wave.bakedAt !== null) lines.push(`    then bakes ${formatSpan(bakeMs)}, until ${utcInstant(wave.bakedAt)}`);
  });
  return lines;
}

function laneBlock(pipeline: Pipeline, lane: LanePlan, indent = ''): string[] {
  const title = lane.region === null ? `stage-wide (in ${pipeline.homeRegion}, ${lane.timezone})` : `${lane.region}  ${lane.timezone}`;
  const hasWindows = windowsOfRegion(pipeline, lane.region ?? pipeline.homeRegion).windows.length > 0;
  const rows = lane.steps.map((step) => ({ step, cells: stepCells(step, lane.timezone) }));
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.filter((r) => r.step.startsAt !== null).map((r) => (r.cells[i] ?? '').length)));
  const lines = [`${indent}  ${title}`];
  let heading = '';
  for (const { step, cells } of rows) {
    const next = windowHeading(step, lane.timezone, hasWindows);
    if (next !== heading && next !== '') lines.push(`${indent}    ${next}`);
    heading = next;
    if (step.startsAt === null) {
      lines.push(
        ...wrap(
          `${String(step.runOrder).padStart(widths[0] ?? 1)}  ${step.actions.join(', ')}: ${step.note ?? 'no start'}`,
          `${indent}      `,
          `${indent}         `,
        ),
      );
      continue;
    }
    const unknown = step.expectedMs === 0 ? '  (no expected duration yet)' : '';
    lines.push(`${indent}      ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}  ${step.actions.join(', ')}${unknown}`.trimEnd());
  }
  return lines;
}

function stepCells(step: LanePlanStep, timezone: string): string[] {
  if (step.startsAt === null || step.endsAt === null) return [String(step.runOrder), '', ''];
  if (step.startsAt === step.endsAt) {
    const at = local(step.startsAt, timezone);
    return [String(step.runOrder), `${WEEKDAY.format(new Date(step.startsAt))} ${step.startsAt.slice(11, 16)}Z`, `${at.weekday} ${at.time} ${at.zone}`];
  }
  return [String(step.runOrder), utcSpan(step.startsAt, step.endsAt), localSpan(step.startsAt, step.endsAt, timezone)];
}

function windowHeading(step: LanePlanStep, timezone: string, hasWindows: boolean): string {
  if (step.startsAt === null) return '';
  if (!hasWindows) return 'no windows: always open';
  if (step.window === null) return 'not held by windows';
  const { opensAt, closesAt } = step.window;
  return `window ${utcInstant(opensAt)} - ${utcTime(closesAt, opensAt)}  (${localSpan(opensAt, closesAt, timezone)})`;
}

/** One pass: from the first deploy step's start to the last one's end, over every region. */
function summary(pipeline: Pipeline, plan: PipelinePlan): string {
  const steps = pipeline.regions.flatMap((r) => deploySteps(pipeline, plan.lanes, r.name));
  const noWindow = (s: LanePlanStep): boolean => s.startsAt === null && s.note !== NEVER_NOTE;
  const stuck = plan.lanes.find((lane) => lane.steps.some(noWindow));
  if (stuck !== undefined) {
    const step = stuck.steps.find(noWindow);
    return wrap(
      `One pass of follow-the-night does not finish: ${stuck.stage} ${stuck.region ?? 'stage-wide'} runOrder ${step?.runOrder ?? '?'} has no window within a year that fits it`,
      '',
    ).join('\n');
  }
  const starts = steps.flatMap((s) => (s.startsAt === null ? [] : [s.startsAt])).sort();
  const ends = steps.flatMap((s) => (s.endsAt === null ? [] : [s.endsAt])).sort();
  const [first] = starts;
  const last = ends.at(-1);
  if (first === undefined || last === undefined) return 'One pass of follow-the-night: nothing waits for a window';
  return `One pass of follow-the-night: ${utcInstant(first)} → ${utcInstant(last)}, ${span(Date.parse(last) - Date.parse(first))}`;
}

function waitsForWindows(pipeline: Pipeline, stageName: string): boolean {
  const stage = pipeline.stages.find((s) => s.name === stageName);
  return (stage?.actions ?? []).some((a) => isGatedByWindows(a) && windowsOfRegion(pipeline, a.region).windows.length > 0);
}

/** Lanes by their first start (lanes that never start last), as a night follows the Earth. */
function byStart(lanes: readonly LanePlan[]): LanePlan[] {
  const first = (lane: LanePlan): number => Date.parse(lane.steps.find((s) => s.startsAt !== null)?.startsAt ?? '') || Number.POSITIVE_INFINITY;
  return [...lanes].sort((a, b) => first(a) - first(b));
}

const WEEKDAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short' });
const DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });

/** `Mon 30 Nov 14:00Z`. */
function utcInstant(iso: string): string {
  return `${DATE.format(new Date(iso)).replace(',', '')} ${iso.slice(11, 16)}Z`;
}

/** `18:00Z`, or `Tue 02:00Z` when on another day than `since`. */
function utcTime(iso: string, since: string): string {
  return iso.slice(0, 10) === since.slice(0, 10) ? `${iso.slice(11, 16)}Z` : `${WEEKDAY.format(new Date(iso))} ${iso.slice(11, 16)}Z`;
}

/** `Mon 14:00Z - 14:20Z`, `Mon 23:50Z - Tue 00:10Z`. */
function utcSpan(from: string, to: string): string {
  return `${WEEKDAY.format(new Date(from))} ${from.slice(11, 16)}Z - ${utcTime(to, from)}`;
}

interface Local {
  day: string;
  weekday: string;
  time: string;
  zone: string;
}

function local(iso: string, timezone: string): Local {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    }).formatToParts(new Date(iso));
    const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
    return {
      day: `${part('year')}-${part('month')}-${part('day')}`,
      weekday: part('weekday'),
      time: `${part('hour')}:${part('minute')}`,
      zone: part('timeZoneName'),
    };
  } catch {
    return { day: iso.slice(0, 10), weekday: WEEKDAY.format(new Date(iso)), time: iso.slice(11, 16), zone: 'UTC' };
  }
}

/** `Tue 01:00 - 01:20 GMT+11`; across midnight or an offset change, each end says so. */
function localSpan(from: string, to: string, timezone: string): string {
  const a = local(from, timezone);
  const b = local(to, timezone);
  const end = `${b.day === a.day ? '' : `${b.weekday} `}${b.time}`;
  return a.zone === b.zone ? `${a.weekday} ${a.time} - ${end} ${b.zone}` : `${a.weekday} ${a.time} ${a.zone} - ${end} ${b.zone}`;
}

/** `20h`, `1d 4h30m`. */
function span(ms: number): string {
  const days = Math.floor(ms / DAY);
  const rest = ms - days * DAY;
  if (days === 0) return formatSpan(ms);
  return rest === 0 ? `${days}d` : `${days}d ${formatSpan(rest)}`;
}

/** Words wrapped to WIDTH: the first line after `indent`, the others after `hanging`. */
function wrap(text: string, indent: string, hanging = indent): string[] {
  const lines: string[] = [];
  let line = '';
  const lead = (): string => (lines.length === 0 ? indent : hanging);
  for (const word of text.split(' ')) {
    if (line !== '' && lead().length + line.length + 1 + word.length > WIDTH) {
      lines.push(`${lead()}${line}`);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(`${lead()}${line}`);
  return lines;
}
