import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { artifactPlacement } from '../../domain/artifact-placement.js';
import { actionTypeKey, type Pipeline } from '../../domain/pipeline.js';
import { MeridianError } from '../../domain/errors.js';
import { planLanes, type DurationOf, type PipelinePlan } from '../../domain/lane-plan.js';
import { deploySteps, followTheNight, planWindow, stageWindow, type RegionTimeline } from '../../domain/plan-windows.js';
import { windowsOfRegion } from '../../domain/region-windows.js';
import { medianDuration } from '../../stores/state/window-records.js';
import { storeLocations } from '../../stores/artifacts/store-locations.js';
import { artifactLines } from '../plan-artifacts.js';
import { chart48h, timelineTable } from '../plan-chart.js';
import { laneLines } from '../plan-lanes.js';
import { openMeridian } from '../open-meridian.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';
import { loadForInspection } from './validate.js';

/**
 * `meridian plan --json`, the shape docs/windows.md describes: each `window` is null (no window applies)
 * or the first allowed interval that ends after `at`, the same instants the engine judges by.
 * `windowPolicy`, `timeline` (the follow-the-night estimate, per region), `lanes` (each lane's
 * steps as an execution that windows hold runs them: domain/lane-plan.ts, the instants the
 * engine starts them at), each stage's `lanes` and `lanesWhy` (how it orders runOrder for such
 * an execution) and `artifacts` (each artifact's store, and the region stores it is replicated
 * into for its consumers) are additions;
 * `stores` are the region stores' locations (stores/artifacts/store-locations.ts).
 */
export function toPlan(
  pipeline: Pipeline,
  at: Date,
  durationOf: DurationOf,
  stores: Readonly<Record<string, string>>,
  lanePlan: PipelinePlan = planLanes(pipeline, at, durationOf),
) {
  return {
    pipeline: pipeline.name,
    at: at.toISOString(),
    stages: pipeline.stages.map((stage, s) => {
      const orders = [...new Set(stage.actions.map((a) => a.runOrder))].sort((a, b) => a - b);
      return {
        name: stage.name,
        window: stageWindow(pipeline, stage, at),
        waves: orders.map((runOrder) => ({
          runOrder,
          actions: stage.actions.filter((a) => a.runOrder === runOrder).map((a) => ({ name: a.name, region: a.region, provider: actionTypeKey(a.type) })),
        })),
        lanes: lanePlan.stages[s]?.order ?? 'stage',
        lanesWhy: lanePlan.stages[s]?.why ?? '',
      };
    }),
    regions: pipeline.regions.map((region) => ({
      name: region.name,
      timezone: region.timezone,
      window: planWindow(windowsOfRegion(pipeline, region.name), at),
    })),
    windowPolicy: pipeline.windowPolicy ?? null,
    timeline: followTheNight(pipeline, at, durationOf, lanePlan.lanes),
    lanes: lanePlan.lanes,
    artifacts: artifactPlacement(pipeline, stores),
  };
}

/** Declared expected durations, else the median of the last successful runs in the state dir (when there is one). */
async function durations(pipeline: Pipeline, stateDirOption: string | undefined): Promise<DurationOf> {
  const known = new Map<string, number>();
  const stateDir = resolveStateDir(stateDirOption);
  const declared = (stage: string, action: string): number | undefined =>
    pipeline.stages.find((s) => s.name === stage)?.actions.find((a) => a.name === action)?.expectedDurationMs;
  if (fs.existsSync(path.join(stateDir, 'state.db'))) {
    const meridian = await openMeridian(stateDir);
    try {
      for (const stage of pipeline.stages) {
        for (const action of stage.actions) {
          const median = action.expectedDurationMs ?? (await medianDuration(meridian.db, { pipeline: pipeline.name, stage: stage.name, action: action.name }));
          if (median !== undefined) known.set(`${stage.name}/${action.name}`, median);
        }
      }
    } finally {
      await meridian.close();
    }
  }
  return (stage, action) => declared(stage, action) ?? known.get(`${stage}/${action}`) ?? 0;
}

export const registerPlan: RegisterCommand = (program: Command, io) => {
  program
    .command('plan')
    .description("show the expanded pipeline, each region's windows, and a follow-the-night timeline of the deploy")
    .requiredOption('-f, --file <file>', 'the definition')
    .option('--pipeline <name>', 'which pipeline, when the template holds several')
    .option('--at <iso8601>', 'plan as of this instant (default: now)')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option('--json', 'print JSON')
    .action(async (options: { file: string; pipeline?: string; at?: string; stateDir?: string; json?: boolean }) => {
      const at = options.at ? new Date(options.at) : new Date();
      if (Number.isNaN(at.getTime())) throw new MeridianError('BAD_INPUT', `--at ${options.at}: write an ISO 8601 instant such as 2026-03-29T01:30:00Z`);
      const pipeline = await loadForInspection(options.file, options.pipeline, options.stateDir);
      const durationOf = await durations(pipeline, options.stateDir);
      const lanePlan = planLanes(pipeline, at, durationOf);
      const plan = toPlan(pipeline, at, durationOf, storeLocations(pipeline, resolveStateDir(options.stateDir)), lanePlan);
      if (options.json) {
        io.out(`${JSON.stringify(plan, null, 2)}\n`);
        return;
      }
      io.out(`Pipeline ${plan.pipeline} (home region ${pipeline.homeRegion}), as of ${plan.at}\n`);
      for (const stage of plan.stages) {
        io.out(`Stage ${stage.name}${stage.window ? `  window ${stage.window.opensAt} - ${stage.window.closesAt}` : ''}\n`);
        for (const wave of stage.waves) {
          io.out(`  runOrder ${wave.runOrder}\n`);
          for (const action of wave.actions) io.out(`    ${action.name}  ${action.region}  ${action.provider}\n`);
        }
      }
      for (const line of artifactLines(plan.artifacts, process.cwd())) io.out(`${line}\n`);
      writeTimeline((text) => io.out(text), pipeline, plan.timeline, lanePlan, at);
    });
};

function writeTimeline(out: (text: string) => void, pipeline: Pipeline, timeline: RegionTimeline[], lanePlan: PipelinePlan, at: Date): void {
  const windowsOf = (region: string) => windowsOfRegion(pipeline, region);
  const policy =
    pipeline.windowPolicy === 'disruptive-only'
      ? ' (windows apply to disruptive executions: run --disruptive, "disruptive": true, or a `Deploy-Window: required` trailer)'
      : '';
  out(`\nFollow the night${policy}\n`);
  for (const line of timelineTable(timeline, windowsOf, at)) out(`${line}\n`);
  for (const line of laneLines(pipeline, lanePlan)) out(`${line}\n`);
  out(`\nNext 48 hours, one column per hour (█ open, ▌ partly, · closed, ▓ deploy)\n`);
  for (const line of chart48h(timeline, windowsOf, at, (region) => deploySteps(pipeline, lanePlan.lanes, region))) out(`${line}\n`);
}
