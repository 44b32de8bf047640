/** What `meridian halt`, `unhalt` and `halts` print about emergency halts, locally and with --server. */
import type { Halt } from '../../stores/state/halt-records.js';

/** A halt as `POST /api/halts` and `/api/halts/lift` answer it (and the engine returns it). */
export type HaltAnswer = Halt & { executions: string[] };

export function where(region: string | null): string {
  return region === null ? 'every region' : region;
}

export function unhaltCommand(region: string | null): string {
  return region === null ? 'meridian unhalt --reason TEXT' : `meridian unhalt --region ${region} --reason TEXT`;
}

export function describeHalted(halt: HaltAnswer): string {
  return [
    `Deploys to ${where(halt.region)} halted by ${halt.by} at ${halt.at}: ${halt.reason}`,
    `Deploy steps (Deploy, Invoke, Compute) there do not start until the halt is lifted; running steps finish, other steps go on.`,
    `Recorded in ${count(halt.executions.length, 'execution')} in progress.`,
    `Lift it with: ${unhaltCommand(halt.region)}`,
    '',
  ].join('\n');
}

export function describeLifted(halt: HaltAnswer): string {
  const lifted = halt.lifted;
  return [
    `Halt of ${where(halt.region)} (by ${halt.by} at ${halt.at}: ${halt.reason}) lifted by ${lifted?.by ?? 'unknown'} at ${lifted?.at ?? '?'}: ${lifted?.reason ?? ''}`,
    `Held deploy steps start at the next step of the process running their execution (recorded in ${count(halt.executions.length, 'execution')} in progress).`,
    '',
  ].join('\n');
}

/** One line per halt; `history` adds whether it is active, or who lifted it. */
export function haltTable(halts: readonly Halt[], history: boolean): string {
  if (halts.length === 0) return history ? 'No halt was ever recorded.\n' : 'No active halt: deploys go on wherever their windows allow.\n';
  const state = (h: Halt): string[] => (!history ? [] : [h.lifted === null ? 'ACTIVE' : `lifted by ${h.lifted.by} at ${h.lifted.at}: ${h.lifted.reason}`]);
  const rows = halts.map((h) => [where(h.region), h.by, h.at, ...state(h), h.reason]);
  const head = ['SCOPE', 'BY', 'AT', ...(history ? ['STATE'] : []), 'REASON'];
  const widths = head.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return `${[head, ...rows].map(line).join('\n')}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
