/**
 * Text a person gives that Meridian writes into its events and logs (an approval's comment,
 * who answered): one line of printable text. A CR or LF in it would start a line of its own in
 * a log and read as something Meridian wrote; other controls (ESC, tab, NUL...) can redraw or
 * hide text on a terminal. Such text is refused where it comes in, not escaped on the way out.
 */

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const CONTROL_CHARACTER = /[\p{Cc}\u2028\u2029]/u;

/** Whether `text` holds a character that must not reach a log line. */
export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}
