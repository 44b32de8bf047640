/**
 * ANSI SGR colours in log lines, as segments with styles. Colours carry across lines (a
 * build may colour a block), so each line is parsed with the state the previous one left.
 * Other escape sequences (cursor moves, titles) are dropped; a carriage return keeps only
 * what was written after it, as a terminal would show a progress bar. Pure: no DOM.
 */
export interface AnsiStyle {
  /** A CSS colour: `var(--ansi-N)` for the 16 themed colours, or `rgb(...)`. */
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

// CSI ... final byte, or OSC ... BEL/ST.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[([0-9;?]*)([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function parseAnsi(line: string, start: AnsiStyle = {}): { segments: AnsiSegment[]; end: AnsiStyle } {
  const text = line.includes('\r')
    ? (line
        .split('\r')
        .filter((part) => part !== '')
        .at(-1) ?? '')
    : line;
  const segments: AnsiSegment[] = [];
  let style: AnsiStyle = { ...start };
  let last = 0;
  for (const match of text.matchAll(ESCAPE)) {
    const index = match.index;
    if (index > last) segments.push({ text: text.slice(last, index), style });
    last = index + match[0].length;
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
  }
  if (last < text.length) segments.push({ text: text.slice(last), style });
  return { segments: merge(segments), end: style };
}

/** The line without any escape sequence (for search and download). */
export function stripAnsi(line: string): string {
  return parseAnsi(line)
    .segments.map((s) => s.text)
    .join('');
}

function applySgr(current: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(';').map((p) => (p === '' ? 0 : Number(p)));
  let style: AnsiStyle = { ...current };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) style = {};
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 7) style.inverse = true;
    else if (code === 22) style = without(style, 'bold', 'dim');
    else if (code === 23) style = without(style, 'italic');
    else if (code === 24) style = without(style, 'underline');
    else if (code === 27) style = without(style, 'inverse');
    else if (code >= 30 && code <= 37) style.fg = themed(code - 30);
    else if (code >= 90 && code <= 97) style.fg = themed(code - 90 + 8);
    else if (code >= 40 && code <= 47) style.bg = themed(code - 40);
    else if (code >= 100 && code <= 107) style.bg = themed(code - 100 + 8);
    else if (code === 39) style = without(style, 'fg');
    else if (code === 49) style = without(style, 'bg');
    else if (code === 38 || code === 48) {
      const [colour, used] = extended(codes, i + 1);
      if (colour !== undefined) style[code === 38 ? 'fg' : 'bg'] = colour;
      i += used;
    }
  }
  return style;
}

/** `38;5;N` (256 colours) or `38;2;R;G;B`; returns the colour and how many codes it used. */
function extended(codes: number[], at: number): [string | undefined, number] {
  if (codes[at] === 5) {
    const n = codes[at + 1] ?? 0;
    return [palette256(n), 2];
  }
  if (codes[at] === 2) return [`rgb(${codes[at + 1] ?? 0}, ${codes[at + 2] ?? 0}, ${codes[at + 3] ?? 0})`, 4];
  return [undefined, 0];
}

function palette256(n: number): string {
  if (n < 16) return themed(n);
  if (n >= 232) {
    const level = 8 + (n - 232) * 10;
    return `rgb(${level}, ${level}, ${level})`;
  }
  const index = n - 16;
  const steps = [0, 95, 135, 175, 215, 255];
  const r = steps[Math.floor(index / 36) % 6] ?? 0;
  const g = steps[Math.floor(index / 6) % 6] ?? 0;
  const b = steps[index % 6] ?? 0;
  return `rgb(${r}, ${g}, ${b})`;
}

function themed(n: number): string {
  return `var(--ansi-${n})`;
}

function without(style: AnsiStyle, ...keys: Array<keyof AnsiStyle>): AnsiStyle {
  const copy = { ...style };
  for (const key of keys) delete copy[key];
  return copy;
}

function merge(segments: AnsiSegment[]): AnsiSegment[] {
  const out: AnsiSegment[] = [];
  for (const segment of segments) {
    const previous = out.at(-1);
    if (previous && JSON.stringify(previous.style) === JSON.stringify(segment.style)) previous.text += segment.text;
    else out.push({ ...segment });
  }
  return out;
}
