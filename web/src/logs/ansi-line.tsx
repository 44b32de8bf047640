import type { CSSProperties, ReactNode } from 'react';
import type { AnsiSegment, AnsiStyle } from './ansi';

/** One parsed log line; `highlight` marks the search term. */
export function AnsiLine({ segments, highlight }: { segments: AnsiSegment[]; highlight: string }) {
  return (
    <>
      {segments.map((segment, index) => (
        <span key={index} style={toCss(segment.style)}>
          {mark(segment.text, highlight)}
        </span>
      ))}
    </>
  );
}

function toCss(style: AnsiStyle): CSSProperties | undefined {
  if (Object.keys(style).length === 0) return undefined;
  const css: CSSProperties = {};
  const fg = style.inverse ? (style.bg ?? 'var(--log-bg)') : style.fg;
  const bg = style.inverse ? (style.fg ?? 'var(--log-fg)') : style.bg;
  if (fg !== undefined) css.color = fg;
  if (bg !== undefined) css.backgroundColor = bg;
  if (style.bold) css.fontWeight = 700;
  if (style.dim) css.opacity = 0.7;
  if (style.italic) css.fontStyle = 'italic';
  if (style.underline) css.textDecoration = 'underline';
  return css;
}

function mark(text: string, term: string): ReactNode {
  if (term === '') return text;
  const lower = text.toLowerCase();
  const needle = term.toLowerCase();
  const parts: ReactNode[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(<mark key={at}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  if (parts.length === 0) return text;
  if (from < text.length) parts.push(text.slice(from));
  return parts;
}
