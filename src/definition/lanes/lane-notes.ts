/**
 * Notes `meridian validate` prints where region lanes (domain/region-lanes.ts) make a stage
 * run otherwise than its runOrders read, as CodePipeline would run them:
 *
 * - a stage whose order depends on the execution: automatic lanes, region lanes while
 *   windows hold the execution and runOrder stage-wide otherwise (or region lanes for every
 *   execution, when windows hold them all);
 * - an action that names no region in a stage that may run in region lanes: it is
 *   stage-wide, so it holds every lane (an approval between prepare and switch).
 *
 * A rollout stage is ordered by its waves (rules/lanes.ts checks its settings); it gets no note.
 */
import type { Problem } from '../../domain/errors.js';
import type { Action, Pipeline, Stage } from '../../domain/pipeline.js';
import { laneOf, stageLanes, windowsHold } from '../../domain/region-lanes.js';
import { problem } from '../../lib/problems.js';
import { byFormat } from '../rules/rule.js';
import type { PipelineLocator } from '../trace.js';
import { writeLaneSetting } from './lane-words.js';

export function laneNotes(pipeline: Pipeline, locate: PipelineLocator): Problem[] {
  const notes: Problem[] = [];
  pipeline.stages.forEach((stage, s) => {
    if (stageLanes(pipeline, stage, true).order !== 'region') return;
    const automatic = stageLanes(pipeline, stage, false).order === 'stage';
    if (automatic) notes.push(problem(locate.stage(s), orderNote(pipeline, stage)));
    stage.actions.forEach((action, a) => {
      if (laneOf(action) !== null) return;
      notes.push(problem(locate.action(s, a), stageWideNote(pipeline, stage, action, automatic)));
    });
  });
  return notes;
}

function orderNote(pipeline: Pipeline, stage: Stage): string {
  const policy = (value: string): string =>
    byFormat(pipeline, {
      native: `windows.policy ${value}`,
      template: `\`policy: ${value}\` in Metadata.Meridian.Windows`,
      json: `the window policy ${value}`,
    });
  if (windowsHold(pipeline, false)) {
    return `stage ${stage.name} runs in region lanes: windows hold every execution (${policy('always')}), so each region goes through its own runOrders in its own window; write ${writeLaneSetting(pipeline, stage.name, 'lanes', 'region')} to say so, or ${writeLaneSetting(pipeline, stage.name, 'lanes', 'stage')} for runOrder stage-wide as CodePipeline runs it`;
  }
  return `stage ${stage.name} runs in region lanes while windows hold an execution (disruptive ones, under ${policy('disruptive-only')}), runOrder stage-wide otherwise; write ${writeLaneSetting(pipeline, stage.name, 'lanes', 'region', 'stage')} to choose`;
}

function stageWideNote(pipeline: Pipeline, stage: Stage, action: Action, automatic: boolean): string {
  const laneOrders = [...new Set(stage.actions.filter((a) => laneOf(a) !== null).map((a) => a.runOrder))].sort((x, y) => x - y);
  const before = laneOrders.filter((n) => n < action.runOrder);
  const after = laneOrders.filter((n) => n > action.runOrder);
  const holds = [
    ...(before.length > 0 ? [`it starts once every region's ${runOrders(before)} succeeded`] : []),
    ...(after.length > 0 ? [`every region's ${runOrders(after)} waits for it`] : []),
  ];
  const when = automatic ? `when stage ${stage.name} runs in region lanes` : `in stage ${stage.name}'s region lanes`;
  const give = byFormat(pipeline, { native: '`region:`', template: '`Region`', json: '`region`' });
  return `action ${action.name} names no region, so ${when} it is stage-wide and holds every lane${holds.length > 0 ? ` (${holds.join('; ')})` : ''}; give it ${give} to put it in that region's lane only`;
}

/** `runOrder 1`, `runOrders 1 and 2`, `runOrders 1, 2 and 3`. */
function runOrders(orders: readonly number[]): string {
  if (orders.length === 1) return `runOrder ${orders[0]!}`;
  return `runOrders ${orders.slice(0, -1).join(', ')} and ${orders[orders.length - 1]!}`;
}
