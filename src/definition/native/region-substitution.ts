/**
 * `${region}`, `${region.timezone}` and `${region.KEY}` (a key of the region's `values:`): one
 * substitution for every place a native definition holds them (actions, rollout checks).
 */
import type { Region } from '../../domain/pipeline.js';

const REGION_REFERENCE = /\$\{region(?:\.([A-Za-z0-9_-]+))?\}/g;

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
