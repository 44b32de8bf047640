/**
 * Definition warnings and notes as `FILE:LINE:COL: warning: …` and `FILE:LINE:COL: note: …`
 * lines on stderr, each with its hint below: what `meridian validate` prints, and `meridian
 * serve` at start for the pipelines it serves. A warning says the definition may not deploy
 * as meant; a note says how it will run where that is not obvious. Neither fails a command.
 */
import type { Problem } from '../domain/errors.js';
import type { CliIO } from './io.js';

export function printWarnings(io: CliIO, warnings: Problem[]): void {
  print(io, 'warning', warnings);
}

export function printNotes(io: CliIO, notes: Problem[]): void {
  print(io, 'note', notes);
}

function print(io: CliIO, kind: 'warning' | 'note', findings: Problem[]): void {
  for (const finding of findings) {
    io.err(
      `${finding.location.file}:${finding.location.line}:${finding.location.col}: ${kind}: ${finding.message}\n${finding.hint ? `  ${finding.hint}\n` : ''}`,
    );
  }
}
