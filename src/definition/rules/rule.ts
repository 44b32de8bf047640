/**
 * A validation rule reads the compiled Pipeline and reports Problems at the places the
 * PipelineLocator gives, the same way for every definition format.
 */
import type { Problem } from '../../domain/errors.js';
import type { Action, Pipeline } from '../../domain/pipeline.js';
import type { PipelineLocator } from '../trace.js';

export type Rule = (pipeline: Pipeline, locate: PipelineLocator) => Problem[];

export interface PlacedAction {
  stage: number;
  index: number;
  stageName: string;
  action: Action;
}

export function placedActions(pipeline: Pipeline): PlacedAction[] {
  return pipeline.stages.flatMap((stage, s) => stage.actions.map((action, index) => ({ stage: s, index, stageName: stage.name, action })));
}

/**
 * CodePipeline's order: a later stage, or the same stage with a lower runOrder (actions
 * with the same runOrder run together, so neither sees the other's outputs).
 */
export function runsBefore(earlier: PlacedAction, later: PlacedAction): boolean {
  return earlier.stage < later.stage || (earlier.stage === later.stage && earlier.action.runOrder < later.action.runOrder);
}

export function describeAction(placed: PlacedAction): string {
  return `${placed.action.name} (stage ${placed.stageName}, runOrder ${placed.action.runOrder})`;
}

/** Hints name the construct the author writes, which depends on the format. */
export function byFormat(pipeline: Pipeline, hints: { native: string; template: string; json: string }): string {
  switch (pipeline.format) {
    case 'native':
      return hints.native;
    case 'codepipeline-template':
      return hints.template;
    case 'codepipeline-json':
      return hints.json;
  }
}
