/** Triggers, webhooks and polls name a source action; it must be one of the first stage. */
import type { Action, Pipeline } from '../../domain/pipeline.js';
import { didYouMean, listWords } from '../../lib/suggest.js';

export function firstStageSources(pipeline: Pipeline): Action[] {
  return (pipeline.stages[0]?.actions ?? []).filter((action) => action.type.category === 'Source');
}

/** Undefined when `name` is a source action of the first stage; else what is wrong and what to write. */
export function sourceActionProblem(pipeline: Pipeline, name: string, field: string): { message: string; hint: string } | undefined {
  const sources = firstStageSources(pipeline);
  if (sources.some((action) => action.name === name)) return undefined;
  const names = sources.map((action) => action.name);
  const elsewhere = pipeline.stages.find((stage) => stage.actions.some((action) => action.name === name));
  const message = elsewhere
    ? `\`${field}\` ${name} is not a source action of the first stage (it is in stage ${elsewhere.name})`
    : `\`${field}\` ${name} is not an action of this pipeline`;
  const hint =
    didYouMean(name, names) ?? (names.length > 0 ? `name a source action of the first stage: ${listWords(names)}` : 'the first stage has no source action');
  return { message, hint };
}
