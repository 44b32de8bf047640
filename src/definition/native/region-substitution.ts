/**
 * `${region}`, `${region.timezone}` and `${region.KEY}` (a key of the region's `values:`): one
 * substitution for every place a native definition holds them (actions, rollout checks,
 * windows, a region's store), and the problems of the places that cannot hold them.
 * The list of places is in docs/formats.md ("Where `${region}` and `#{...}` apply").
 */
import type { Problem } from '../../domain/errors.js';
import type { Region, SourceLocation } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';

const REGION_REFERENCE = /\$\{region(?:\.([A-Za-z0-9_-]+))?\}/g;
const VARIABLE_REFERENCE = /#\{[^}\s]+\}/;

/** Substitutes `text` for `region`; a `${region.KEY}` it has no value for is left as written and added to `unknown`. */
export function substituteRegion(text: string, region: Pick<Region, 'name' | 'timezone'>, values: Record<string, string>, unknown: Set<string>): string {
  return text.replace(REGION_REFERENCE, (whole, key: string | undefined) => {
    if (key === undefined) return region.name;
    if (key === 'timezone') return region.timezone;
    const value = values[key];
    if (value === undefined) unknown.add(key);
    return value ?? whole;
  });
}

/** The first `${region...}` in `text`, if any. */
export function regionReferenceIn(text: string): string | undefined {
  return new RegExp(REGION_REFERENCE.source).exec(text)?.[0];
}

/** The first `#{...}` in `text`, if any. */
export function variableReferenceIn(text: string): string | undefined {
  return VARIABLE_REFERENCE.exec(text)?.[0];
}

/** `${region.KEY}` that the regions `without` have no value for (`known`: the keys some region has). */
export function unknownValueProblem(at: SourceLocation, key: string, without: readonly string[], known: readonly string[], what = ''): Problem {
  return problem(
    at,
    `\`\${region.${key}}\` names no value of region ${listWords(without, 'and')}${what}`,
    didYouMean(key, known) ?? `give each region \`values: { ${key}: ... }\`, or use \`\${region}\` or \`\${region.timezone}\``,
  );
}

/** A `#{...}` where no execution's variables exist yet (windows, rollout checks). */
export function variableNotHereProblem(at: SourceLocation, reference: string, place: string): Problem {
  return problem(
    at,
    `${reference} is not replaced in ${place}`,
    "`#{...}` is replaced in an action's `with:`, `commands` and `env`; here write the value, or a `${region.KEY}` of the regions' `values:`",
  );
}
