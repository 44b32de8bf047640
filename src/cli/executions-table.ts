/**
 * `meridian executions` as a table: a header row, then one execution a line with how long it
 * took, what started it, the commit its source fetched, and a Rollback tag on the executions
 * a rollback made (as the dashboard tags them).
 */
import type { Trigger } from '../domain/execution.js';
import { formatDuration } from '../engine/engine.js';

export interface ExecutionRow {
  executionId: string;
  pipeline: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  trigger: Trigger;
  /** The commit of its first source action that fetched one; null before then, or without a git source. */
  commit: string | null;
}

const HEADER = ['EXECUTION', 'PIPELINE', 'STATUS', 'STARTED', 'DURATION', 'TRIGGER', 'COMMIT'];

export function executionsTable(rows: readonly ExecutionRow[]): string {
  const cells = rows.map((row) => [
    row.executionId,
    row.pipeline,
    row.status,
    row.startedAt,
    row.endedAt === null ? '-' : formatDuration(Date.parse(row.endedAt) - Date.parse(row.startedAt)),
    row.trigger.type,
    row.commit === null ? '-' : row.commit.slice(0, 7),
  ]);
  const widths = HEADER.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  const line = (values: string[], tag = ''): string => `${values.map((value, column) => value.padEnd(widths[column]!)).join('  ')}${tag}`.trimEnd();
  return [line(HEADER), ...cells.map((values, index) => line(values, rows[index]!.trigger.type === 'rollback' ? '  Rollback' : ''))].join('\n') + '\n';
}

/** The commit an execution's source fetched: the first `CommitId` output variable of its actions. */
export function commitOf(actions: ReadonlyArray<{ outputVariables: Readonly<Record<string, string>> }>): string | null {
  for (const action of actions) {
    const commit = action.outputVariables['CommitId'];
    if (commit !== undefined && commit !== '') return commit;
  }
  return null;
}
