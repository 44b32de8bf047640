/**
 * Where a character inside a scalar was written: a window parser reports an offset into the
 * text it was given, and the problem should point at that character, not at the start of
 * the value. Exact for plain and quoted one-line scalars (what windows and crons are);
 * a quote is skipped; an escape before the offset shifts it by a column at most.
 */
import type { SourceLocation } from '../../domain/pipeline.js';
import type { Locator, Path } from '../../lib/yaml/locator.js';

export function positionInText(locator: Locator, path: Path, offset: number): SourceLocation {
  const start = locator.at(path);
  if (!locator.has(path)) return start;
  let at = 0;
  for (let line = 1; line < start.line; line++) {
    const next = locator.text.indexOf('\n', at);
    if (next < 0) return start;
    at = next + 1;
  }
  at += start.col - 1;
  const first = locator.text[at];
  if (first === '"' || first === "'") at += 1;
  const end = locator.text.indexOf('\n', at);
  const target = at + offset;
  // A multi-line or block scalar: the offset does not map onto one line of the file.
  if (end >= 0 && target > end) return start;
  return locator.ofOffset(target);
}
