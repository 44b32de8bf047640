/**
 * Where each part of a compiled Pipeline was written. Compilers record positions while
 * they build the model; rules ask a PipelineLocator in terms of the model (stage 2,
 * action 3, field `runOrder`) and never need to know which format the file was in.
 *
 * Field keys are the model's field names, optionally followed by `.KEY` or `.INDEX`:
 * `name`, `type`, `runOrder`, `region`, `namespace`, `timeoutInMinutes`,
 * `configuration.Branch`, `inputArtifacts.0`, `outputArtifacts.1`, `commands.2`,
 * `environmentVariables.0`; for the pipeline `name`, `stages`, `regions.eu-west-1`, and
 * `triggers.0.push.1.branches.includes.2`, `webhooks.0.filters.1.matchEquals`, `polls.0`.
 */
import type { SourceLocation } from '../domain/pipeline.js';

export interface NodeTrace {
  at: SourceLocation;
  fields: Record<string, SourceLocation>;
}

export interface ActionTrace extends NodeTrace {
  /** Set when the action was expanded from one native entry by `forEach`. */
  expanded?: boolean;
}

export interface StageTrace extends NodeTrace {
  actions: ActionTrace[];
}

export interface PipelineTrace extends NodeTrace {
  stages: StageTrace[];
}

export class PipelineLocator {
  constructor(private readonly trace: PipelineTrace) {}

  pipeline(field?: string): SourceLocation {
    return pick(this.trace, field);
  }

  stage(stage: number, field?: string): SourceLocation {
    const trace = this.trace.stages[stage];
    return trace ? pick(trace, field) : this.trace.at;
  }

  action(stage: number, action: number, field?: string): SourceLocation {
    const trace = this.trace.stages[stage]?.actions[action];
    return trace ? pick(trace, field) : this.stage(stage);
  }

  isExpanded(stage: number, action: number): boolean {
    return this.trace.stages[stage]?.actions[action]?.expanded === true;
  }
}

/** The field's own location, else its nearest recorded parent (`a.b.c` -> `a.b` -> `a`), else the node. */
function pick(trace: NodeTrace, field: string | undefined): SourceLocation {
  if (field === undefined) return trace.at;
  for (let key = field; ;) {
    const found = trace.fields[key];
    if (found) return found;
    const dot = key.lastIndexOf('.');
    if (dot <= 0) return trace.at;
    key = key.slice(0, dot);
  }
}
