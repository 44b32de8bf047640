/**
 * Where a native definition is read per region, and so where `${region}`, `${region.timezone}`
 * and `${region.KEY}` mean something: an action's fields (expand-stage.ts), windows
 * (windows.ts), rollout checks (rollout.ts), and a region's own `store`, `bucket` and `values`
 * (here). Anywhere else such a text would be kept as written: it is refused at its line.
 */
import type { Problem } from '../../domain/errors.js';
import type { Region } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import type { Locator, Path } from '../../lib/yaml/locator.js';
import { regionReferenceIn, substituteRegion, unknownValueProblem } from './region-substitution.js';
import type { NativeDefinition } from './schema.js';

/** The fields of an action that expand-stage.ts substitutes. */
const ACTION_FIELDS = new Set(['name', 'with', 'inputs', 'outputs', 'namespace', 'commands', 'env']);
const REGION_FIELDS = new Set(['store', 'bucket', 'values', 'windows']);

function perRegion(path: Path): boolean {
  const [top, second, third, fourth, fifth] = path;
  if (top === 'stages') return third === 'actions' && typeof fifth === 'string' && ACTION_FIELDS.has(fifth) && fourth !== undefined;
  if (top === 'regions') return typeof third === 'string' && REGION_FIELDS.has(third);
  return top === 'windows' || (top === 'rollout' && second === 'checks');
}

/** `${region...}` written where nothing is read per region (a pipeline or stage name, a source, a variable...). */
export function misplacedRegionReferences(data: unknown, locator: Locator, problems: Problem[], path: Path = []): void {
  if (perRegion(path)) return;
  if (typeof data === 'string') {
    const reference = regionReferenceIn(data);
    if (reference === undefined || !locator.has(path)) return;
    problems.push(
      problem(
        locator.at(path),
        `${reference} is not replaced here: \`${path.filter((p) => typeof p === 'string').join('.')}\` is not read per region`,
        "`${region}`, `${region.timezone}` and `${region.KEY}` are replaced in an action's name, `with:`, inputs, outputs, namespace, commands and env, in windows, rollout checks and a region's `store`, `bucket` and `values`; here write the text itself",
      ),
    );
    return;
  }
  if (Array.isArray(data)) data.forEach((item, i) => misplacedRegionReferences(item, locator, problems, [...path, i]));
  else if (data !== null && typeof data === 'object') {
    for (const [key, item] of Object.entries(data)) misplacedRegionReferences(item, locator, problems, [...path, key]);
  }
}

/**
 * Each region's `values:`, with `${region}` and `${region.timezone}` replaced in them. A value
 * naming another value (`${region.KEY}`) is refused at its line: values are not read in turn.
 */
export function regionValuesOf(
  definition: NativeDefinition,
  regions: readonly Region[],
  locator: Locator,
  problems: Problem[],
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const region of regions) {
    const written = definition.regions?.[region.name]?.values ?? {};
    out[region.name] = Object.fromEntries(
      Object.entries(written).map(([key, text]) => {
        const inner = new Set<string>();
        const value = substituteRegion(text, region, {}, inner);
        for (const other of inner) {
          problems.push(
            problem(
              locator.at(['regions', region.name, 'values', key]),
              `\`\${region.${other}}\` in a value is not replaced: a value cannot name another value`,
              `write the text of \`${other}\` itself`,
            ),
          );
        }
        return [key, value];
      }),
    );
  }
  return out;
}

/** A region's written `store` or `bucket` (`s3://artifacts-${region}`), substituted for it. */
export function substituteStores(
  definition: NativeDefinition,
  regions: Region[],
  regionValues: Record<string, Record<string, string>>,
  locator: Locator,
  problems: Problem[],
): void {
  for (const region of regions) {
    const written = definition.regions?.[region.name];
    const key = written?.bucket !== undefined ? 'bucket' : written?.store !== undefined ? 'store' : undefined;
    if (key === undefined || regionReferenceIn(region.store.location) === undefined) continue;
    const values = regionValues[region.name] ?? {};
    const missing = new Set<string>();
    region.store = { ...region.store, location: substituteRegion(region.store.location, region, values, missing) };
    const known = [...new Set(Object.values(regionValues).flatMap((v) => Object.keys(v)))];
    for (const name of missing) problems.push(unknownValueProblem(locator.at(['regions', region.name, key]), name, [region.name], known));
  }
}
