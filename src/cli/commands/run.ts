import type { Command } from 'commander';
import { startExecution } from '../../engine/start-execution.js';
import { isOwnerAlive } from '../../lib/process-owner.js';
import { driveAndReport } from '../drive.js';
import { loadForRun } from '../load.js';
import { openLocalMeridian } from '../local-meridian.js';
import { collect, parsePairs } from '../options.js';
import { parseSourceOverrides } from '../source-overrides.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

interface RunOptions {
  file: string;
  pipeline?: string;
  source: string[];
  variable: string[];
  stateDir?: string;
  json?: boolean;
  concurrency: string;
}

export const registerRun: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('run')
    .description('run one execution of a pipeline to its end')
    .requiredOption('-f, --file <file>', 'native meridian.yaml, a CloudFormation template, or get-pipeline JSON')
    .option('--pipeline <name>', 'which pipeline, when the template holds several')
    .option('--source <NAME=PATH_OR_URL[#BRANCH]>', 'point a source action at a repository (repeatable)', collect, [])
    .option('--variable <NAME=VALUE>', 'set a pipeline variable (repeatable)', collect, [])
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option('--concurrency <n>', 'actions run at the same time', '64')
    .option('--json', 'print only the execution summary as JSON')
    .action(async (options: RunOptions) => {
      const stateDir = resolveStateDir(options.stateDir);
      let ids: string[] = [];
      const meridian = await openLocalMeridian(stateDir, { concurrency: Number(options.concurrency), executionIds: () => ids });
      try {
        const pipeline = await loadForRun(meridian, options.file, options.pipeline);
        const sourceOverrides = parseSourceOverrides(pipeline, options.source, process.cwd());
        const unfinished = await meridian.store.listExecutions(meridian.db, { pipeline: pipeline.name, unfinished: true });
        for (const execution of unfinished.filter((e) => !isOwnerAlive(e.owner))) {
          io.err(`Note: execution ${execution.id} of ${pipeline.name} (started ${execution.startedAt}) is unfinished; carry it on with \`meridian resume ${execution.id}\`.\n`);
        }
        const variables = parsePairs(options.variable, '--variable');
        const start = async (): Promise<string[]> => {
          const trigger = { type: 'cli' as const, detail: 'meridian run' };
          ids = [await startExecution(meridian.engine, pipeline, { trigger, stateDir, parameters: meridian.parameters, variables, sourceOverrides })];
          return ids;
        };
        await driveAndReport(meridian, io, start, { json: options.json === true, setExit });
      } finally {
        await meridian.close();
      }
    });
};
