import type { Command } from 'commander';
import { actionTypeKey, type Pipeline } from '../../domain/pipeline.js';
import { MeridianError } from '../../domain/errors.js';
import { STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';
import { loadForInspection } from './validate.js';

interface PlanWindow {
  opensAt: string;
  closesAt: string;
}

/** `meridian plan --json`, the shape DESIGN.md fixes. Windows are `null` until regions declare some. */
export function toPlan(pipeline: Pipeline, at: Date) {
  return {
    pipeline: pipeline.name,
    at: at.toISOString(),
    stages: pipeline.stages.map((stage) => {
      const orders = [...new Set(stage.actions.map((a) => a.runOrder))].sort((a, b) => a - b);
      return {
        name: stage.name,
        window: null as PlanWindow | null,
        waves: orders.map((runOrder) => ({
          runOrder,
          actions: stage.actions.filter((a) => a.runOrder === runOrder).map((a) => ({ name: a.name, region: a.region, provider: actionTypeKey(a.type) })),
        })),
      };
    }),
    regions: pipeline.regions.map((region) => ({ name: region.name, timezone: region.timezone, window: null as PlanWindow | null })),
  };
}

export const registerPlan: RegisterCommand = (program: Command, io) => {
  program
    .command('plan')
    .description('show the expanded pipeline: stages, runOrder waves, regions and their windows')
    .requiredOption('-f, --file <file>', 'the definition')
    .option('--pipeline <name>', 'which pipeline, when the template holds several')
    .option('--at <iso8601>', 'plan as of this instant (default: now)')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option('--json', 'print JSON')
    .action(async (options: { file: string; pipeline?: string; at?: string; stateDir?: string; json?: boolean }) => {
      const at = options.at ? new Date(options.at) : new Date();
      if (Number.isNaN(at.getTime())) throw new MeridianError('BAD_INPUT', `--at ${options.at}: write an ISO 8601 instant such as 2026-03-29T01:30:00Z`);
      const pipeline = await loadForInspection(options.file, options.pipeline, options.stateDir);
      const plan = toPlan(pipeline, at);
      if (options.json) {
        io.out(`${JSON.stringify(plan, null, 2)}\n`);
        return;
      }
      io.out(`Pipeline ${plan.pipeline} (home region ${pipeline.homeRegion}), as of ${plan.at}\n`);
      for (const region of plan.regions) io.out(`  region ${region.name}  ${region.timezone}  window: ${region.window ? `${region.window.opensAt} - ${region.window.closesAt}` : 'always open'}\n`);
      for (const stage of plan.stages) {
        io.out(`Stage ${stage.name}\n`);
        for (const wave of stage.waves) {
          io.out(`  runOrder ${wave.runOrder}\n`);
          for (const action of wave.actions) io.out(`    ${action.name}  ${action.region}  ${action.provider}\n`);
        }
      }
    });
};
