/**
 * Collapsing per-region copies back into one `forEach` entry: given the value one field has
 * in each region (`eu-infrastructure`, `us-infrastructure`, `au-infrastructure`), find the
 * one text whose `${region}` / `${region.KEY}` expansion gives each of them. A part that
 * varies but is not the region's name becomes a region value (`values: { code: eu }`),
 * shared by every field that varies the same way.
 */

/** Region name -> KEY -> value, for `${region.KEY}`; grown while inferring. */
export type RegionValues = Record<string, Record<string, string>>;

const PLACEHOLDER = '${region';

/** The text whose expansion in each region gives `values[i]`, or undefined when there is none. */
export function inferText(values: readonly string[], regions: readonly string[], known: RegionValues): string | undefined {
  if (values.some((value) => value.includes(PLACEHOLDER))) return undefined;
  const first = values[0];
  if (first === undefined) return undefined;
  if (values.every((value) => value === first)) return first;

  // The region's own name.
  const byName = values.map((value, i) => value.split(regions[i]!).join('${region}'));
  if (byName.every((text) => text === byName[0]) && byName[0] !== first) return byName[0];

  // A value the regions already have.
  const keys = Object.keys(known[regions[0]!] ?? {});
  for (const key of keys) {
    const tokens = regions.map((region) => known[region]?.[key]);
    if (tokens.some((token) => token === undefined || token === '')) continue;
    const texts = byName.map((value, i) => value.split(tokens[i]!).join(`\${region.${key}}`));
    if (texts.every((text) => text === texts[0]) && texts[0] !== byName[0]) return texts[0];
  }

  // One varying part between a common prefix and suffix, cut at word boundaries.
  const varying = varyingPart(byName);
  if (!varying) return undefined;
  const { prefix, suffix, parts } = varying;
  if (parts.some((part) => part === '' || part.includes('$'))) return undefined;
  const key = valueKey(parts, regions, known);
  return `${prefix}\${region.${key}}${suffix}`;
}

function varyingPart(texts: readonly string[]): { prefix: string; suffix: string; parts: string[] } | undefined {
  const shortest = Math.min(...texts.map((text) => text.length));
  let start = 0;
  while (start < shortest && texts.every((text) => text[start] === texts[0]![start])) start++;
  let end = 0;
  while (end < shortest - start && texts.every((text) => text[text.length - 1 - end] === texts[0]![texts[0]!.length - 1 - end])) end++;
  // `eu.x` and `au.x` share `u.x`: move the cuts to word boundaries so the part is whole.
  while (start > 0 && isWord(texts[0]![start - 1]!)) start--;
  while (end > 0 && isWord(texts[0]![texts[0]!.length - end]!)) end--;
  const prefix = texts[0]!.slice(0, start);
  const suffix = end === 0 ? '' : texts[0]!.slice(texts[0]!.length - end);
  const parts = texts.map((text) => text.slice(start, text.length - end));
  return { prefix, suffix, parts };
}

function isWord(char: string): boolean {
  return /[A-Za-z0-9]/.test(char);
}

/** The key whose values are `parts` in these regions, adding one (`code`, `code2`...) when none is. */
function valueKey(parts: readonly string[], regions: readonly string[], known: RegionValues): string {
  const keys = new Set(regions.flatMap((region) => Object.keys(known[region] ?? {})));
  for (const key of keys) {
    if (regions.every((region, i) => known[region]?.[key] === parts[i])) return key;
  }
  let key = 'code';
  for (let n = 2; keys.has(key); n++) key = `code${n}`;
  regions.forEach((region, i) => {
    known[region] ??= {};
    known[region][key] = parts[i]!;
  });
  return key;
}
