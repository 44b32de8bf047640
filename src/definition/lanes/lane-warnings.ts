/**
 * A warning `meridian validate` prints without failing: `onLaneFailure` on a stage that can
 * never run in region lanes (domain/region-lanes.ts mayRunInLanes) says what the other lanes
 * do after a failure, and there are no other lanes, so it never applies.
 */
import type { Problem } from '../../domain/errors.js';
import type { Pipeline, Stage } from '../../domain/pipeline.js';
import { laneRegions, mayRunInLanes } from '../../domain/region-lanes.js';
import { problem } from '../../lib/problems.js';
import { listWords } from '../../lib/suggest.js';
import type { PipelineLocator } from '../trace.js';
import { laneSetting, removeLaneSetting, writeLaneSetting } from './lane-words.js';

export function laneWarnings(pipeline: Pipeline, locate: PipelineLocator): Problem[] {
  const warnings: Problem[] = [];
  pipeline.stages.forEach((stage, s) => {
    if (stage.onLaneFailure === undefined || mayRunInLanes(pipeline, stage)) return;
    const choose = stage.lanes === 'stage' ? '' : `, or write ${writeLaneSetting(pipeline, stage.name, 'lanes', 'region')} to run the stage in region lanes`;
    warnings.push(
      problem(
        locate.stage(s, 'onLaneFailure'),
        `${laneSetting(pipeline, stage.name, 'onLaneFailure', stage.onLaneFailure)} never applies: stage ${stage.name} never runs in region lanes, as ${whyNever(pipeline, stage)}`,
        `${removeLaneSetting(pipeline, stage.name, 'onLaneFailure')}${choose}`,
      ),
    );
  });
  return warnings;
}

/** Why stageLanes never gives the stage lanes, in the author's terms. */
function whyNever(pipeline: Pipeline, stage: Stage): string {
  if (stage.lanes === 'stage') return `it says ${laneSetting(pipeline, stage.name, 'lanes', 'stage')}`;
  const regions = laneRegions(stage);
  if (regions.length === 0) return 'none of its Deploy, Invoke or Compute actions names a region';
  if (regions.length === 1) return `its Deploy, Invoke and Compute actions that name a region all deploy to ${regions[0]!}`;
  return `none of its regions (${listWords(regions, 'and')}) has deployment windows`;
}
