/**
 * A rollback an operator asks for (CodePipeline's RollbackStage): `meridian rollback PIPELINE
 * STAGE [--to EXECUTION] [--region R]`. What is rolled back is the stage as the pipeline's
 * latest execution that ran it left it (a rollback execution too, so a rollback can be undone
 * with `--to`; not one in progress); by default in every region where that execution ran one
 * of the stage's actions, each to its last good run (rollback.ts), or all to `--to`.
 */
import { MeridianError } from '../domain/errors.js';
import { checkOneLine } from '../domain/one-line-text.js';
import type { ExecutionSnapshot } from '../domain/records.js';
import type { StateStore } from '../stores/state/state-store.js';
import { planRollback } from './rollback.js';
import type { RollbackRequest } from './rollback-executions.js';

export interface ManualRollback {
  pipeline: string;
  stage: string;
  /** Go back to this execution (id or unique prefix) in every region. */
  to?: string;
  regions?: string[];
  /** Who asked, for the events. */
  by: string;
}

const HISTORY = 200;

/** The request to hand the engine; refuses, before anything is written, what cannot be rolled back. */
export async function manualRollbackRequest(store: StateStore, ask: ManualRollback): Promise<RollbackRequest> {
  checkOneLine('who rolls back (--by)', ask.by);
  const forward = await latestRunOfStage(store, ask.pipeline, ask.stage);
  if (forward.execution.status === 'InProgress' || forward.execution.status === 'Stopping') {
    throw new MeridianError(
      'CONFLICT',
      `execution ${forward.execution.id} of ${ask.pipeline} is ${forward.execution.status}; stop it (\`meridian stop ${forward.execution.id}\`) before rolling stage ${ask.stage} back`,
    );
  }
  const stageIndex = forward.execution.definition.stages.findIndex((s) => s.name === ask.stage);
  const ran = [...new Set(forward.actions.filter((a) => a.stageIndex === stageIndex && a.status !== 'Pending' && a.status !== 'Skipped').map((a) => a.region))];
  const unknown = (ask.regions ?? []).filter((r) => !ran.includes(r));
  if (unknown.length > 0)
    throw new MeridianError('BAD_INPUT', `execution ${forward.execution.id} ran stage ${ask.stage} in ${ran.join(', ')}, not in ${unknown.join(', ')}`);
  const regions = ask.regions ?? ran;
  const target = ask.to === undefined ? undefined : await store.resolveExecutionId(store.db, ask.to);
  if (target === forward.execution.id) throw new MeridianError('CONFLICT', `execution ${target} is the one being rolled back; name an earlier one`);
  const plan = await planRollback(store, store.db, forward, stageIndex, regions, target);
  if (plan.groups.length === 0)
    throw new MeridianError(
      'CONFLICT',
      `nothing to roll back stage ${ask.stage} to in ${plan.without.join(', ')}: no earlier run of it succeeded there with other artifacts; name one with --to`,
    );
  return {
    executionId: forward.execution.id,
    stageIndex,
    stage: ask.stage,
    regions,
    reason: `rolled back by ${ask.by}`,
    ...(target === undefined ? {} : { target }),
  };
}

async function latestRunOfStage(store: StateStore, pipeline: string, stage: string): Promise<ExecutionSnapshot> {
  const executions = await store.listExecutions(store.db, { pipeline, limit: HISTORY });
  if (executions.length === 0) throw new MeridianError('NOT_FOUND', `pipeline ${pipeline} has no executions`);
  for (const execution of executions) {
    const stageIndex = execution.definition.stages.findIndex((s) => s.name === stage);
    if (stageIndex < 0) continue;
    const snapshot = await store.snapshot(store.db, execution.id);
    if (snapshot.actions.some((a) => a.stageIndex === stageIndex && a.status !== 'Pending' && a.status !== 'Skipped')) return snapshot;
  }
  const latest = executions.find((e) => e.trigger.type !== 'rollback') ?? executions[0];
  const stages = (latest?.definition.stages ?? []).map((s) => s.name).join(', ');
  throw new MeridianError('NOT_FOUND', `no execution of ${pipeline} ran a stage named ${stage}; its stages: ${stages}`);
}
