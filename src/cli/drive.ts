/**
 * What every driving command shares (run, resume, retry, stop): run executions to their
 * end in this process, show progress, print the outcome, set the exit code. Ctrl-C leaves the
 * state resumable rather than pretending the execution ended.
 */
import { runToEnd } from './local-runner.js';
import { TERMINAL_EXECUTION } from '../domain/execution.js';
import { toSummary } from '../engine/execution-summary.js';
import { formatDuration } from '../engine/engine.js';
import type { CliIO } from './io.js';
import type { Meridian } from '../meridian.js';
import { openMeridian } from './open-meridian.js';
import { showProgress } from './progress/progress-view.js';

/**
 * Opens the state dir, starts executions with `start` and carries them to their end in this
 * process (driveAndReport), then closes it. `start` may name its executions early with
 * `follow`, so the in-process agent takes their first jobs at once.
 */
export async function driveLocally(
  stateDir: string,
  io: CliIO,
  start: (meridian: Meridian, follow: (ids: string[]) => void) => Promise<string[]>,
  options: { json: boolean; setExit: (code: number) => void },
): Promise<void> {
  const meridian = await openMeridian(stateDir, { followOnly: true });
  const follow = (named: string[]): void => {
    for (const id of named) meridian.followed.add(id);
  };
  try {
    await driveAndReport(
      meridian,
      io,
      async () => {
        const ids = await start(meridian, follow);
        follow(ids);
        return ids;
      },
      options,
    );
  } finally {
    await meridian.close();
  }
}

export async function driveAndReport(
  meridian: Meridian,
  io: CliIO,
  start: () => Promise<string[]>,
  options: { json: boolean; setExit: (code: number) => void },
): Promise<void> {
  let executionIds: string[] = [];
  const view = showProgress(meridian, io, () => executionIds, options.json);
  try {
    executionIds = await start();
  } catch (error) {
    await view.finish();
    throw error;
  }
  const active = new Set(executionIds);
  const onSigint = (): void => {
    void (async () => {
      await meridian.agent.close(new Error('interrupted'));
      await view.finish();
      io.err(`\nInterrupted. Carry on with: meridian resume ${executionIds.join(' ')}${stateDirFlag(meridian)}\n`);
      process.exit(130);
    })();
  };
  process.once('SIGINT', onSigint);
  try {
    await runToEnd({ engine: meridian.engine, store: meridian.store, agent: meridian.agent, clock: meridian.clock, followed: meridian.followed }, active);
  } finally {
    process.off('SIGINT', onSigint);
    await view.finish();
  }
  const [backgroundError] = meridian.backgroundErrors;
  if (backgroundError) throw backgroundError;
  const summaries = [];
  for (const id of executionIds) summaries.push(toSummary(await meridian.store.snapshot(meridian.db, id)));
  if (options.json) {
    io.out(`${JSON.stringify(summaries.length === 1 ? summaries[0] : summaries, null, 2)}\n`);
  } else {
    for (const summary of summaries) {
      const took = summary.endedAt ? ` in ${formatDuration(Date.parse(summary.endedAt) - Date.parse(summary.startedAt))}` : '';
      io.out(`Execution ${summary.executionId} ${summary.status}${took}.\n`);
      let explained = false;
      for (const stage of summary.stages) {
        // Released services say where they answer (the release action's `url`).
        for (const action of stage.actions.filter((a) => a.status === 'Succeeded' && a.outputVariables?.Url !== undefined)) {
          io.out(`  ${action.region}: ${action.outputVariables?.Url ?? ''} (${stage.name}/${action.name})\n`);
        }
        for (const action of stage.actions.filter((a) => a.status === 'Failed' || a.status === 'Abandoned')) {
          io.out(`  ${stage.name}/${action.name} (${action.region}) ${action.status}: ${action.error?.message ?? 'no error recorded'}\n`);
          io.out(`  Log: meridian logs ${summary.executionId} ${action.name}${stateDirFlag(meridian)}\n`);
          explained = true;
        }
        // A stage failed by its health checks or a condition, stopped, or rolled back says why.
        const failedActions = stage.actions.some((a) => a.status === 'Failed' || a.status === 'Abandoned');
        if (stage.error && (!failedActions || stage.error.rollback !== undefined)) {
          io.out(`  Stage ${stage.name} ${stage.status}: ${stage.error.message}\n`);
          explained = true;
        }
      }
      if (summary.error && !explained) io.out(`  ${summary.error.message}\n`);
    }
  }
  const allSucceeded = summaries.every((s) => s.status === 'Succeeded');
  const allEnded = summaries.every((s) => TERMINAL_EXECUTION.has(s.status));
  options.setExit(allSucceeded && allEnded ? 0 : 1);
}

function stateDirFlag(meridian: Meridian): string {
  return meridian.stateDir === `${process.cwd()}/.meridian` ? '' : ` --state-dir ${meridian.stateDir}`;
}
