/**
 * What a window parser returns. Parsers never throw on user text: they return every problem
 * they found, each pointing into the text they were given, so the definition layer can add
 * the position of that text in its file and print `FILE:LINE:COL: message`.
 */

/** One problem in a window text. `offset` is 0-based from the start of the text given to the parser. */
export interface WindowProblem {
  offset: number;
  /** How many characters the problem covers (at least 1, so an editor can underline it). */
  length: number;
  message: string;
  /** What to write instead. */
  hint: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: WindowProblem[] };

export function parsed<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function refused<T>(problems: WindowProblem[]): Parsed<T> {
  return { ok: false, problems };
}

export function problemAt(offset: number, length: number, message: string, hint: string): WindowProblem {
  return { offset, length: Math.max(1, length), message, hint };
}
