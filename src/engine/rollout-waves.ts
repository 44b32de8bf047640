/**
 * Waves of a rollout in the engine: for a rollout stage (domain/rollout-step.ts) the
 * rollout, not the stage-wide runOrder, decides what starts: each region's own actions in
 * runOrder, wave after wave, with the bake time between. A wave that bakes is announced
 * once; the runners are woken when the bake ends.
 */
import { laneStep, isRolloutStage } from '../domain/rollout-step.js';
import type { Step } from '../domain/next-step.js';
import type { Pipeline } from '../domain/pipeline.js';
import type { Clock } from '../lib/clock.js';
import type { ExecutionSnapshot } from '../stores/state/records.js';
import type { NewEvent } from '../stores/state/state-store.js';
import type { WindowWaits } from './window-waits.js';

export type LaneDecision = { kind: 'step'; step: Step } | { kind: 'bake'; stageIndex: number; wave: number; regions: string[]; since: Date; until: Date };

export class RolloutWaves {
  /** `execution/stage/wave` already announced as baking. */
  private readonly announced = new Set<string>();

  constructor(private readonly deps: { clock: Clock; windows: WindowWaits }) {}

  /** Does the rollout decide what starts in this stage? */
  ordersStage(definition: Pipeline, stageIndex: number): boolean {
    const stage = definition.stages[stageIndex];
    return stage !== undefined && isRolloutStage(definition.rollout, stage);
  }

  /** nextStep's step, or the rollout's for a rollout stage in progress. */
  decide(snapshot: ExecutionSnapshot, next: Step): LaneDecision {
    const { execution } = snapshot;
    const rollout = execution.definition.rollout;
    const relevant = next.kind === 'start-actions' || next.kind === 'wait' || (next.kind === 'finish-stage' && next.status === 'Succeeded');
    if (rollout === undefined || !relevant || execution.status !== 'InProgress') return { kind: 'step', step: next };
    const current = snapshot.stages.find((s) => s.status !== 'Succeeded' && s.status !== 'Skipped');
    const stage = current === undefined ? undefined : execution.definition.stages[current.index];
    if (!current || current.status !== 'InProgress' || !stage || !isRolloutStage(rollout, stage)) return { kind: 'step', step: next };
    const actions = snapshot.actions.filter((a) => a.stageIndex === current.index).map((a) => ({ actionIndex: a.actionIndex, region: a.region, runOrder: a.runOrder, status: a.status, endedAt: a.endedAt }));
    const lanes = laneStep(rollout, actions, this.deps.clock.now());
    switch (lanes.kind) {
      case 'defer':
        return { kind: 'step', step: next };
      case 'wait':
        return { kind: 'step', step: { kind: 'wait' } };
      case 'start': {
        const runOrder = Math.min(...actions.filter((a) => lanes.actionIndexes.includes(a.actionIndex)).map((a) => a.runOrder));
        return { kind: 'step', step: { kind: 'start-actions', stageIndex: current.index, actionIndexes: lanes.actionIndexes, runOrder } };
      }
      case 'bake':
        this.deps.windows.noteWake(execution.id, lanes.until);
        return { kind: 'bake', stageIndex: current.index, wave: lanes.wave, regions: lanes.regions, since: lanes.since, until: lanes.until };
    }
  }

  /** Records, once per wave, that it deployed and bakes. */
  async announce(snapshot: ExecutionSnapshot, bake: LaneDecision & { kind: 'bake' }, record: (event: NewEvent) => Promise<void>): Promise<void> {
    const key = `${snapshot.execution.id}/${bake.stageIndex}/${bake.wave}`;
    if (this.announced.has(key)) return;
    this.announced.add(key);
    const stage = snapshot.stages[bake.stageIndex]?.name;
    const minutes = Math.round((bake.until.getTime() - bake.since.getTime()) / 60_000);
    await record({
      type: 'wave-baking',
      ...(stage === undefined ? {} : { stage }),
      description: `Wave ${bake.wave + 1} (${bake.regions.join(', ')}) deployed; baking ${minutes}m until ${bake.until.toISOString()}`,
      data: { wave: bake.wave + 1, regions: bake.regions, since: bake.since.toISOString(), until: bake.until.toISOString() },
    });
  }
}
