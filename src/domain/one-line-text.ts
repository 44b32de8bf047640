/**
 * Text a person gives that Meridian writes into its events and logs (an approval's comment,
 * who answered): one line of printable text. A CR or LF in it would start a line of its own in
 * a log and read as something Meridian wrote; other controls (ESC, tab, NUL...) can redraw or
 * hide text on a terminal. Such text is refused where it comes in, not escaped on the way out.
 */

import { MeridianError } from './errors.js';

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const CONTROL_CHARACTER = /[\p{Cc}\u2028\u2029]/u;

/** Whether `text` holds a character that must not reach a log line. */
export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

/** Refuses (BAD_INPUT) text that holds a control character; `what` names it for the message (`the reason (--reason)`). */
export function checkOneLine(what: string, text: string): void {
  if (hasControlCharacter(text)) {
    throw new MeridianError(
      'BAD_INPUT',
      `${what} must be one line of printable text, without control characters (CR, LF, tab...): it is written into events and logs as it is`,
    );
  }
}
