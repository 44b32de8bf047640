/**
 * In a terminal, `run` redraws a tree: stages, their runOrder waves, one line per action with
 * its region, status and elapsed time, and the last log lines of a failing action.
 */
import pc from 'picocolors';
import type { ActionStatus } from '../../domain/execution.js';
import { assertNever } from '../../domain/errors.js';
import type { ActionRecord, ExecutionSnapshot } from '../../domain/records.js';

export function renderTree(snapshot: ExecutionSnapshot, now: Date, failingLogs: Map<string, string[]>): string {
  const { execution } = snapshot;
  const lines: string[] = [];
  // Why the execution stopped or was superseded, unless a stage says it.
  const why = execution.error && !snapshot.stages.some((s) => s.error) ? pc.red(` ${execution.error.message}`) : '';
  lines.push(
    `${pc.bold(execution.pipeline)} ${pc.dim(execution.id)} ${colour(execution.status, execution.status)} ${pc.dim(elapsed(execution.startedAt, execution.endedAt, now))}${why}`,
  );
  for (const stage of snapshot.stages) {
    const error = stage.error ? pc.red(` ${stage.error.message}`) : '';
    lines.push(`${statusIcon(stage.status)} ${pc.bold(stage.name)} ${colour(stage.status, stage.status)}${error}`);
    const actions = snapshot.actions.filter((a) => a.stageIndex === stage.index);
    const orders = [...new Set(actions.map((a) => a.runOrder))].sort((a, b) => a - b);
    for (const order of orders) {
      const wave = actions.filter((a) => a.runOrder === order);
      if (orders.length > 1) lines.push(pc.dim(`   runOrder ${order}`));
      const indent = orders.length > 1 ? '     ' : '   ';
      const width = Math.max(...wave.map((a) => a.name.length));
      for (const action of wave) {
        lines.push(`${indent}${statusIcon(action.status)} ${action.name.padEnd(width)}  ${pc.dim(action.region.padEnd(14))} ${describe(action, now)}`);
        for (const report of action.reports) {
          const { total, passed, failed, errored, skipped } = report.totals;
          const counts = `${total} tests, ${passed} passed, ${failed} failed, ${errored} errored, ${skipped} skipped`;
          lines.push(`${indent}    ${pc.dim('report')} ${report.name}: ${failed + errored > 0 ? pc.red(counts) : counts}`);
          for (const failure of report.failures.slice(0, 5))
            lines.push(`${indent}      ${pc.red('✖')} ${failure.suite} › ${failure.name}: ${failure.message.split('\n')[0] ?? ''}`);
        }
        const tail = failingLogs.get(`${action.stageIndex}/${action.actionIndex}`);
        if (action.status === 'Failed' && tail) for (const line of tail) lines.push(`${indent}    ${pc.dim('│')} ${line}`);
      }
    }
  }
  return lines.join('\n');
}

function describe(action: ActionRecord, now: Date): string {
  const time = action.startedAt ? pc.dim(elapsed(action.startedAt, action.endedAt, now)) : '';
  const attempt = action.attempts > 1 ? pc.dim(` attempt ${action.attempts}`) : '';
  const wait = action.status === 'Waiting' && action.waitingReason ? pc.yellow(` ${action.waitingReason}`) : '';
  const error = action.error && action.status !== 'Succeeded' ? pc.red(` ${action.error.message}`) : '';
  return `${colour(action.status, action.status)} ${time}${attempt}${wait}${error}`;
}

function elapsed(from: string, to: string | null, now: Date): string {
  const ms = (to ? Date.parse(to) : now.getTime()) - Date.parse(from);
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`;
}

function colour(status: string, text: string): string {
  switch (status) {
    case 'Succeeded':
      return pc.green(text);
    case 'Failed':
    case 'Abandoned':
      return pc.red(text);
    case 'InProgress':
    case 'Stopping':
      return pc.cyan(text);
    case 'Waiting':
      return pc.yellow(text);
    default:
      return pc.dim(text);
  }
}

function statusIcon(status: ActionStatus | 'Stopping' | 'Cancelled'): string {
  switch (status) {
    case 'Succeeded':
      return pc.green('✔');
    case 'Failed':
    case 'Abandoned':
      return pc.red('✖');
    case 'InProgress':
    case 'Stopping':
      return pc.cyan('▶');
    case 'Waiting':
      return pc.yellow('…');
    case 'Pending':
      return pc.dim('○');
    case 'Stopped':
    case 'Skipped':
    case 'Cancelled':
      return pc.dim('–');
    default:
      return assertNever(status);
  }
}
