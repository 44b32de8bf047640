/**
 * The native `windows:` -> each Region's windows and the pipeline's window policy.
 *
 *   windows: disruptive-only                   # the policy alone; windows under regions
 *   windows:
 *     policy: disruptive-only                  # default always
 *     allow: "Mon-Fri 01:00-05:00"             # one text or a list, in each region's zone
 *     deny:  [{ when: "2026-12-20 to 2027-01-04", reason: year-end freeze }]
 *   regions:
 *     ap-southeast-2: { timezone: Australia/Sydney, windows: { allow: "daily 02:00-04:00" } }
 *
 * A region's `allow` replaces the pipeline's; its `deny` adds to the pipeline's (a freeze
 * declared for every region is not lifted by one region's override). Every text is checked
 * with the window parsers at the character they point at. Each text is read per region, with
 * `${region}`, `${region.timezone}` and `${region.KEY}` replaced (region-substitution.ts).
 */
import type { Problem } from '../../domain/errors.js';
import type { Region, WindowDefinition, WindowPolicy } from '../../domain/pipeline.js';
import type { Locator, Path } from '../../lib/yaml/locator.js';
import { checkSchedule, checkTimeZone } from '../windows/window-texts.js';
import { regionReferenceIn, substituteRegion, unknownValueProblem, variableNotHereProblem, variableReferenceIn } from './region-substitution.js';
import type { NativeDefinition } from './schema.js';

type WindowText = string | { when: string; reason?: string | undefined; timezone?: string | undefined };
type WindowList = WindowText | WindowText[] | undefined;

export interface WindowsContext {
  locator: Locator;
  problems: Problem[];
}

/** One region's substitution: `${region.KEY}` it has no value for are added to `missing` (key -> where). */
interface RegionSub {
  region: Region;
  values: Record<string, string>;
  missing: Map<string, Path>;
}

/**
 * Sets `windows` on the regions that have some; returns the policy (undefined when no window is declared anywhere).
 * A window text is read per region: `${region}`, `${region.timezone}` and `${region.KEY}` are the region's.
 */
export function compileWindows(
  definition: NativeDefinition,
  regions: Region[],
  ctx: WindowsContext,
  regionValues: Record<string, Record<string, string>> = {},
): WindowPolicy | undefined {
  const top = definition.windows;
  const policy: WindowPolicy = top === undefined ? 'always' : typeof top === 'string' ? top : (top.policy ?? 'always');
  const shared = typeof top === 'object' ? top : {};
  // A shared text is read once per region: its problems would repeat.
  const seen = new Set<string>();
  const problems: Problem[] = [];
  const local = { locator: ctx.locator, problems };
  const missing = new Map<string, { at: Path; without: string[] }>();
  let any = top !== undefined;
  for (const region of regions) {
    const sub: RegionSub = { region, values: regionValues[region.name] ?? definition.regions?.[region.name]?.values ?? {}, missing: new Map() };
    const own = definition.regions?.[region.name]?.windows;
    const base = ['regions', region.name, 'windows'];
    const allow =
      own?.allow === undefined
        ? toDefinitions(shared.allow, 'allow', ['windows', 'allow'], local, sub)
        : toDefinitions(own.allow, 'allow', [...base, 'allow'], local, sub);
    const deny = [...toDefinitions(shared.deny, 'deny', ['windows', 'deny'], local, sub), ...toDefinitions(own?.deny, 'deny', [...base, 'deny'], local, sub)];
    const windows = [...allow, ...deny];
    if (own !== undefined) any = true;
    // Intl accepts abbreviations such as EST; a region whose windows are read in its zone may not use one.
    const declared = own !== undefined || shared.allow !== undefined || shared.deny !== undefined;
    if (declared && definition.regions?.[region.name]?.timezone !== undefined && isIntlZone(region.timezone)) {
      checkTimeZone(region.timezone, { locator: ctx.locator, path: ['regions', region.name, 'timezone'] }, problems);
    }
    if (windows.length > 0) region.windows = windows;
    for (const [key, at] of sub.missing) {
      const id = `${key} ${JSON.stringify(at)}`;
      missing.set(id, { at, without: [...(missing.get(id)?.without ?? []), region.name] });
    }
  }
  const known = [...new Set(regions.flatMap((r) => Object.keys(definition.regions?.[r.name]?.values ?? {})))];
  for (const [id, { at, without }] of missing) problems.push(unknownValueProblem(ctx.locator.at(at), id.split(' ')[0]!, without, known));
  for (const p of problems) {
    const key = `${p.location.line}:${p.location.col} ${p.message}`;
    if (!seen.has(key)) ctx.problems.push(p);
    seen.add(key);
  }
  return any ? policy : undefined;
}

function toDefinitions(list: WindowList, effect: 'allow' | 'deny', path: Path, ctx: WindowsContext, sub: RegionSub): WindowDefinition[] {
  if (list === undefined) return [];
  const items = Array.isArray(list) ? list.map((item, i) => ({ item, path: [...path, i] })) : [{ item: list, path }];
  const out: WindowDefinition[] = [];
  for (const { item, path: itemPath } of items) {
    const textPath = typeof item === 'string' ? itemPath : [...itemPath, 'when'];
    const text = substituted(typeof item === 'string' ? item : item.when, textPath, ctx, sub);
    let ok = text !== undefined && checkText(text.value, text.changed, { locator: ctx.locator, path: textPath }, ctx.problems, sub.region.name);
    const window: WindowDefinition = { effect, schedule: text?.value ?? '', location: ctx.locator.at(itemPath) };
    if (typeof item === 'object') {
      const reason = item.reason === undefined ? undefined : substituted(item.reason, [...itemPath, 'reason'], ctx, sub);
      if (reason !== undefined) window.reason = reason.value;
      ok = ok && (item.reason === undefined || reason !== undefined);
      if (item.timezone !== undefined) {
        const zonePath = [...itemPath, 'timezone'];
        const zone = substituted(item.timezone, zonePath, ctx, sub);
        ok = zone !== undefined && checkText(zone.value, zone.changed, { locator: ctx.locator, path: zonePath }, ctx.problems, sub.region.name, true) && ok;
        if (zone !== undefined) window.timezone = zone.value;
      }
    }
    if (ok) out.push(window);
  }
  return out;
}

/** `text` for the region; undefined (and a problem) when it holds a `#{...}`, which a window cannot read. */
function substituted(text: string, path: Path, ctx: WindowsContext, sub: RegionSub): { value: string; changed: boolean } | undefined {
  const missing = new Set<string>();
  const value = substituteRegion(text, sub.region, sub.values, missing);
  for (const key of missing) if (!sub.missing.has(key)) sub.missing.set(key, path);
  const reference = variableReferenceIn(value);
  if (reference !== undefined) {
    ctx.problems.push(variableNotHereProblem(ctx.locator.at(path), reference, 'a window'));
    return undefined;
  }
  return missing.size > 0 ? undefined : { value, changed: regionReferenceIn(text) !== undefined };
}

/**
 * Checks a window text or a time zone. Written as is, a problem points at its character; a
 * text made by the substitution is reported at its start, naming the region and what it became.
 */
function checkText(text: string, changed: boolean, at: { locator: Locator; path: Path }, problems: Problem[], region: string, zone = false): boolean {
  const found: Problem[] = [];
  const ok = zone ? checkTimeZone(text, at, found) : checkSchedule(text, 'any', at, found);
  for (const p of found) {
    problems.push(changed ? { ...p, location: at.locator.at(at.path), message: `in region ${region} this reads \`${text}\`: ${p.message}` } : p);
  }
  return ok;
}
function isIntlZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
