/**
 * How a stage's lane settings are written in each format, for messages and hints: the
 * native stage keys `lanes:` / `onLaneFailure:`, or a template's Metadata.Meridian.Lanes /
 * OnLaneFailure by stage name (cloudformation/lane-metadata.ts). get-pipeline JSON has no
 * place for them.
 */
import type { Pipeline } from '../../domain/pipeline.js';
import { byFormat } from '../rules/rule.js';

export type LaneKey = 'lanes' | 'onLaneFailure';

const METADATA_KEY: Record<LaneKey, string> = { lanes: 'Lanes', onLaneFailure: 'OnLaneFailure' };

/** `lanes: stage`, or `Deploy: stage` in Metadata.Meridian.Lanes. */
export function laneSetting(pipeline: Pipeline, stage: string, key: LaneKey, value: string): string {
  return byFormat(pipeline, {
    native: `\`${key}: ${value}\``,
    template: `\`${stage}: ${value}\` in Metadata.Meridian.${METADATA_KEY[key]}`,
    json: `\`${key}: ${value}\``,
  });
}

/**
 * What to write to set it (to one of `values`): `lanes: region` or `lanes: stage`; in a
 * template `Deploy: region` or `Deploy: stage` in Metadata.Meridian.Lanes.
 */
export function writeLaneSetting(pipeline: Pipeline, stage: string, key: LaneKey, ...values: string[]): string {
  return byFormat(pipeline, {
    native: values.map((value) => `\`${key}: ${value}\``).join(' or '),
    template: `${values.map((value) => `\`${stage}: ${value}\``).join(' or ')} in Metadata.Meridian.${METADATA_KEY[key]}`,
    json: `${values.map((value) => `\`${key}: ${value}\``).join(' or ')} (in a template or a native file; get-pipeline JSON has no place for it)`,
  });
}

/** Where to remove it from: `onLaneFailure:`, or Deploy in Metadata.Meridian.OnLaneFailure. */
export function removeLaneSetting(pipeline: Pipeline, stage: string, key: LaneKey): string {
  return byFormat(pipeline, {
    native: `remove \`${key}:\``,
    template: `remove ${stage} from Metadata.Meridian.${METADATA_KEY[key]}`,
    json: `remove \`${key}\``,
  });
}
