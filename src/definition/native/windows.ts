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
 * with the window parsers at the character they point at.
 */
import type { Problem } from '../../domain/errors.js';
import type { Region, WindowDefinition, WindowPolicy } from '../../domain/pipeline.js';
import type { Locator, Path } from '../../lib/yaml/locator.js';
import { checkSchedule, checkTimeZone } from '../windows/window-texts.js';
import type { NativeDefinition } from './schema.js';

type WindowText = string | { when: string; reason?: string | undefined; timezone?: string | undefined };
type WindowList = WindowText | WindowText[] | undefined;

export interface WindowsContext {
  locator: Locator;
  problems: Problem[];
}

/** Sets `windows` on the regions that have some; returns the policy (undefined when no window is declared anywhere). */
export function compileWindows(definition: NativeDefinition, regions: Region[], ctx: WindowsContext): WindowPolicy | undefined {
  const top = definition.windows;
  const policy: WindowPolicy = top === undefined ? 'always' : typeof top === 'string' ? top : (top.policy ?? 'always');
  const shared = typeof top === 'object' ? top : {};
  const sharedAllow = toDefinitions(shared.allow, 'allow', ['windows', 'allow'], ctx);
  const sharedDeny = toDefinitions(shared.deny, 'deny', ['windows', 'deny'], ctx);
  let any = top !== undefined;
  for (const region of regions) {
    const own = definition.regions?.[region.name]?.windows;
    const base = ['regions', region.name, 'windows'];
    const allow = own?.allow === undefined ? sharedAllow : toDefinitions(own.allow, 'allow', [...base, 'allow'], ctx);
    const deny = [...sharedDeny, ...toDefinitions(own?.deny, 'deny', [...base, 'deny'], ctx)];
    const windows = [...allow, ...deny];
    if (own !== undefined) any = true;
    // Intl accepts abbreviations such as EST; a region whose windows are read in its zone may not use one.
    const declared = own !== undefined || shared.allow !== undefined || shared.deny !== undefined;
    if (declared && definition.regions?.[region.name]?.timezone !== undefined && isIntlZone(region.timezone)) {
      checkTimeZone(region.timezone, { locator: ctx.locator, path: ['regions', region.name, 'timezone'] }, ctx.problems);
    }
    if (windows.length > 0) region.windows = windows;
  }
  return any ? policy : undefined;
}

function toDefinitions(list: WindowList, effect: 'allow' | 'deny', path: Path, ctx: WindowsContext): WindowDefinition[] {
  if (list === undefined) return [];
  const items = Array.isArray(list) ? list.map((item, i) => ({ item, path: [...path, i] })) : [{ item: list, path }];
  const out: WindowDefinition[] = [];
  for (const { item, path: itemPath } of items) {
    const text = typeof item === 'string' ? item : item.when;
    const textPath = typeof item === 'string' ? itemPath : [...itemPath, 'when'];
    const at = { locator: ctx.locator, path: textPath };
    let ok = checkSchedule(text, 'any', at, ctx.problems);
    const window: WindowDefinition = { effect, schedule: text, location: ctx.locator.at(itemPath) };
    if (typeof item === 'object') {
      if (item.reason !== undefined) window.reason = item.reason;
      if (item.timezone !== undefined) {
        ok = checkTimeZone(item.timezone, { locator: ctx.locator, path: [...itemPath, 'timezone'] }, ctx.problems) && ok;
        window.timezone = item.timezone;
      }
    }
    if (ok) out.push(window);
  }
  return out;
}

function isIntlZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
