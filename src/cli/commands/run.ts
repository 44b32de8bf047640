import type { Command } from 'commander';
import { MeridianError, type Problem } from '../../domain/errors.js';
import type { Pipeline } from '../../domain/pipeline.js';
import { startExecution } from '../../engine/start-execution.js';
import { scaledClock, type Clock } from '../../lib/clock.js';
import { isOwnerAlive } from '../../lib/process-owner.js';
import { driveAndReport } from '../drive.js';
import { loadForRun } from '../load.js';
import { openMeridian } from '../open-meridian.js';
import { collect, parsePairs } from '../options.js';
import { AGENT_LABELS_HELP, parseAgentLabels } from '../remote-agent-options.js';
import { parseSourceOverrides } from '../source-overrides.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

/**
 * `--clock-start ISO [--clock-speed N] [--clock-skip]`: a clock that starts then and runs N
 * times faster; with --clock-skip it jumps to the next window opening (or bake end) whenever
 * nothing runs, so a night of windows passes in the time its actions take.
 */
function runClock(start: string | undefined, speedText: string | undefined, skip: boolean): Clock | undefined {
  const speed = Number(speedText ?? '1');
  if (!Number.isFinite(speed) || speed <= 0)
    throw new MeridianError('BAD_INPUT', `--clock-speed ${speedText ?? ''}: write a positive number, e.g. 3600 (an hour a second)`);
  if (start === undefined) {
    if (speed !== 1) throw new MeridianError('BAD_INPUT', '--clock-speed needs --clock-start: the instant the clock starts at');
    if (skip) throw new MeridianError('BAD_INPUT', '--clock-skip needs --clock-start: the instant the clock starts at');
    return undefined;
  }
  const at = new Date(start);
  if (Number.isNaN(at.getTime())) throw new MeridianError('BAD_INPUT', `--clock-start ${start}: write an ISO 8601 instant such as 2026-03-28T20:00:00Z`);
  return scaledClock(at, speed, { skip });
}

interface RunOptions {
  file: string;
  pipeline?: string;
  source: string[];
  variable: string[];
  stateDir?: string;
  json?: boolean;
  concurrency: string;
  disruptive?: boolean;
  clockStart?: string;
  clockSpeed?: string;
  clockSkip?: boolean;
  agentLabels?: string;
}

/**
 * `meridian run` has only its in-process agent: an action whose `runsOn` asks for a label it
 * lacks would wait for ever, so it is refused up front, at the action.
 */
function unrunnable(pipeline: Pipeline, labels: string[]): Problem[] {
  const problems: Problem[] = [];
  for (const action of pipeline.stages.flatMap((stage) => stage.actions)) {
    const missing = (action.agentLabels ?? []).filter((label) => !labels.includes(label));
    if (missing.length === 0 || !action.location) continue;
    const message = `${action.name} runs on agents labelled ${missing.join(', ')}, which \`meridian run\`'s in-process agent is not`;
    problems.push({
      location: action.location,
      message,
      hint: `pass --agent-labels ${(action.agentLabels ?? []).join(',')} to run it here, or run it with \`meridian serve\` and a \`meridian agent --labels\``,
    });
  }
  return problems;
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
    .option('--disruptive', 'a disruptive release: windows apply under `policy: disruptive-only`')
    .option('--clock-start <iso8601>', 'run on a clock that starts at this instant (watch windows open without waiting for them)')
    .option('--clock-speed <n>', 'with --clock-start: how many times faster than real time the clock runs', '1')
    .option('--clock-skip', 'with --clock-start: when nothing runs, jump to the next window opening or bake end')
    .option('--agent-labels <a,b,...>', AGENT_LABELS_HELP)
    .action(async (options: RunOptions) => {
      const stateDir = resolveStateDir(options.stateDir);
      const clock = runClock(options.clockStart, options.clockSpeed, options.clockSkip === true);
      const agentLabels = parseAgentLabels(options.agentLabels, '--agent-labels');
      const meridian = await openMeridian(stateDir, {
        concurrency: Number(options.concurrency),
        followOnly: true,
        agentLabels,
        ...(clock ? { clock } : {}),
      });
      try {
        const pipeline = await loadForRun(meridian, options.file, options.pipeline);
        const problems = unrunnable(pipeline, agentLabels);
        if (problems.length > 0) throw new MeridianError('DEFINITION_INVALID', `${pipeline.name} cannot run here`, { problems });
        const sourceOverrides = parseSourceOverrides(pipeline, options.source, process.cwd());
        const unfinished = await meridian.store.listExecutions(meridian.db, { pipeline: pipeline.name, unfinished: true });
        for (const execution of unfinished.filter((e) => !isOwnerAlive(e.owner))) {
          io.err(
            `Note: execution ${execution.id} of ${pipeline.name} (started ${execution.startedAt}) is unfinished; carry it on with \`meridian resume ${execution.id}\`.\n`,
          );
        }
        const variables = parsePairs(options.variable, '--variable');
        const start = async (): Promise<string[]> => {
          const trigger = { type: 'cli' as const, detail: 'meridian run' };
          const id = await startExecution(meridian.engine, pipeline, {
            trigger,
            stateDir,
            parameters: meridian.parameters,
            variables,
            sourceOverrides,
            disruptive: options.disruptive === true,
          });
          meridian.followed.add(id);
          return [id];
        };
        await driveAndReport(meridian, io, start, { json: options.json === true, setExit });
      } finally {
        await meridian.close();
      }
    });
};
