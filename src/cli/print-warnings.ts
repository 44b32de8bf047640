/**
 * Definition warnings as `FILE:LINE:COL: warning: …` lines, each with its hint below: what
 * `meridian validate` prints, and `meridian serve` at start for the pipelines it serves.
 */
import type { Problem } from '../domain/errors.js';
import type { CliIO } from './io.js';

export function printWarnings(io: CliIO, warnings: Problem[]): void {
  for (const warning of warnings) {
    io.err(`${warning.location.file}:${warning.location.line}:${warning.location.col}: warning: ${warning.message}\n${warning.hint ? `  ${warning.hint}\n` : ''}`);
  }
}
