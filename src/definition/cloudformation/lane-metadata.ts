/**
 * `Metadata.Meridian.Lanes` and `Metadata.Meridian.OnLaneFailure` of a pipeline resource: the
 * native stage keys `lanes:` and `onLaneFailure:`, by stage name (CodePipeline's stage
 * declaration has no place for them, and CloudFormation would refuse an unknown key there):
 *
 *     Lanes: { Deploy: region }             # region | stage (absent: automatic)
 *     OnLaneFailure: { Deploy: continue }   # stop | continue (absent: stop)
 *
 * Each setting lands on its stage of the model, and its position on the stage's trace (fields
 * `lanes`, `onLaneFailure`), so the rules and `meridian validate` point at it.
 */
import { isMap, type Node } from 'yaml';
import type { Problem } from '../../domain/errors.js';
import type { LaneFailurePolicy, LaneMode, Stage } from '../../domain/pipeline.js';
import { LANE_FAILURE_POLICIES, LANE_MODES } from '../native/schema.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import type { PipelineTrace } from '../trace.js';
import type { Locator } from '../../lib/yaml/locator.js';
import { mapEntries, mapGet, plainString } from '../yaml/nodes.js';

interface LaneKey<T extends string> {
  key: 'Lanes' | 'OnLaneFailure';
  field: 'lanes' | 'onLaneFailure';
  words: readonly T[];
  example: string;
  set(stage: Stage, value: T): void;
}

const LANES: LaneKey<LaneMode> = {
  key: 'Lanes',
  field: 'lanes',
  words: LANE_MODES,
  example: 'Lanes: { Deploy: region }',
  set: (stage, value) => (stage.lanes = value),
};
const ON_LANE_FAILURE: LaneKey<LaneFailurePolicy> = {
  key: 'OnLaneFailure',
  field: 'onLaneFailure',
  words: LANE_FAILURE_POLICIES,
  example: 'OnLaneFailure: { Deploy: continue }',
  set: (stage, value) => (stage.onLaneFailure = value),
};

/** Sets each named stage's `lanes` and `onLaneFailure`; reports unknown stages and values at their place. */
export function applyLaneMetadata(meta: Node | null | undefined, pipeline: { stages: Stage[]; trace: PipelineTrace }, locator: Locator): Problem[] {
  const problems: Problem[] = [];
  if (!isMap(meta)) return problems;
  applyKey(meta, LANES, pipeline, locator, problems);
  applyKey(meta, ON_LANE_FAILURE, pipeline, locator, problems);
  return problems;
}

function applyKey<T extends string>(
  meta: Node,
  spec: LaneKey<T>,
  pipeline: { stages: Stage[]; trace: PipelineTrace },
  locator: Locator,
  problems: Problem[],
): void {
  const section = mapGet(meta, spec.key);
  if (section === undefined || section === null) return;
  if (!isMap(section)) {
    problems.push(problem(locator.ofNode(section), `Metadata.Meridian.${spec.key} maps stage names to ${listWords(spec.words)}`, `write ${spec.example}`));
    return;
  }
  const names = pipeline.stages.map((s) => s.name);
  for (const { key: stageName, keyNode, value } of mapEntries(section)) {
    const indexes = names.flatMap((name, i) => (name === stageName ? [i] : []));
    if (indexes.length === 0) {
      problems.push(
        problem(
          locator.ofNode(keyNode),
          `Metadata.Meridian.${spec.key} names stage ${stageName}, which this pipeline does not have`,
          didYouMean(stageName, names) ?? `stages of this pipeline: ${listWords(names, 'and')}`,
        ),
      );
      continue;
    }
    const text = plainString(value);
    const where = value ? locator.ofNode(value) : locator.ofNode(keyNode);
    const word = spec.words.find((w) => w === text);
    if (word === undefined) {
      const hint = (text === undefined ? undefined : didYouMean(text, spec.words)) ?? `write \`${stageName}: ${spec.words[0]!}\``;
      problems.push(problem(where, `Metadata.Meridian.${spec.key}.${stageName} must be ${listWords(spec.words)}`, hint));
      continue;
    }
    for (const i of indexes) {
      spec.set(pipeline.stages[i]!, word);
      const trace = pipeline.trace.stages[i];
      if (trace) trace.fields[spec.field] = where;
    }
  }
}
