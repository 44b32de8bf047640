/**
 * `Fn::Sub` template strings: `${Name}` is a parameter, resource or pseudo parameter,
 * `${Resource.Attribute}` an attribute, `${!Literal}` the text `${Literal}`.
 */

export type SubPart = { literal: string } | { variable: string; raw: string; index: number };

const PLACEHOLDER = /\$\{([^}]*)\}/g;

export function parseSub(text: string): SubPart[] {
  const parts: SubPart[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const index = match.index;
    if (index > last) parts.push({ literal: text.slice(last, index) });
    const inner = match[1] ?? '';
    if (inner.startsWith('!')) parts.push({ literal: `\${${inner.slice(1)}}` });
    else parts.push({ variable: inner.trim(), raw: match[0], index });
    last = index + match[0].length;
  }
  if (last < text.length) parts.push({ literal: text.slice(last) });
  return parts;
}

/** The variable names a Sub string uses, without the literal `${!...}` ones. */
export function subVariables(text: string): string[] {
  return parseSub(text).flatMap((part) => ('variable' in part ? [part.variable] : []));
}
