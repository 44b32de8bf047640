/**
 * From the model's window texts (WindowDefinition, a DeploymentWindow rule) to the window
 * arithmetic's parsed Windows. The definition layer has validated every text, so a parse
 * failure here is a bug, not user input. Parsed windows are cached by their text: the engine
 * judges the same windows on every tick.
 */
import { MeridianError } from './errors.js';
import type { Action, Pipeline, Region, WindowDefinition, WindowPolicy } from './pipeline.js';
import { parseCron, parseSchedule, parseTimeZone, UTC, type Parsed, type TimeZone, type Window } from './windows/index.js';

export interface RegionWindows {
  windows: Window[];
  zone: TimeZone;
}

const cache = new Map<string, RegionWindows>();

export function regionWindows(region: Pick<Region, 'timezone' | 'windows'>): RegionWindows {
  // No windows: always open, whatever the zone (Intl accepts zones the window parser refuses).
  if ((region.windows ?? []).length === 0) return { windows: [], zone: UTC };
  const key = JSON.stringify([region.timezone, region.windows ?? []]);
  let found = cache.get(key);
  if (found === undefined) {
    found = { zone: mustParse(parseTimeZone(region.timezone), region.timezone), windows: (region.windows ?? []).map(toWindow) };
    cache.set(key, found);
  }
  return found;
}

/** The windows of a region of the pipeline (none for an unknown region: always open). */
export function windowsOfRegion(pipeline: Pipeline, regionName: string): RegionWindows {
  const region = pipeline.regions.find((r) => r.name === regionName);
  return regionWindows(region ?? { timezone: 'UTC' });
}

/** A DeploymentWindow rule's window: its cron, in its own zone (UTC by default, as in CodePipeline). */
export function cronWindow(cron: string, timezone: string): RegionWindows {
  const key = JSON.stringify(['cron', cron, timezone]);
  let found = cache.get(key);
  if (found === undefined) {
    found = { zone: mustParse(parseTimeZone(timezone), timezone), windows: [{ effect: 'allow', schedule: mustParse(parseCron(cron), cron) }] };
    cache.set(key, found);
  }
  return found;
}

function toWindow(definition: WindowDefinition): Window {
  const schedule = mustParse(parseSchedule(definition.schedule), definition.schedule);
  const window: Window = { effect: definition.effect, schedule };
  if (definition.timezone !== undefined) window.timeZone = mustParse(parseTimeZone(definition.timezone), definition.timezone);
  if (definition.reason !== undefined) window.reason = definition.reason;
  return window;
}

function mustParse<T>(result: Parsed<T>, text: string): T {
  if (result.ok) return result.value;
  throw new MeridianError('INTERNAL', `window text \`${text}\` was not validated: ${result.problems.map((p) => p.message).join('; ')}`);
}

/**
 * Which actions a region's windows gate: the ones that change a region (Deploy, Invoke and
 * Compute actions). Source, Build, Test and Approval actions run whatever the window says.
 */
export function isGatedByWindows(action: Pick<Action, 'type'>): boolean {
  const category = action.type.category;
  return category === 'Deploy' || category === 'Invoke' || category === 'Compute';
}

/** Do windows apply to an execution? */
export function windowsApply(policy: WindowPolicy | undefined, disruptive: boolean): boolean {
  if (policy === undefined) return true;
  return policy === 'always' || disruptive;
}

/** `Deploy-Window: required` as a git trailer (a `Key: value` line of the message's last paragraph). */
export function asksForWindow(commitMessage: string): boolean {
  const paragraphs = commitMessage.trim().split(/\n\s*\n/);
  const last = paragraphs.at(-1) ?? '';
  if (paragraphs.length < 2) return false;
  return last.split('\n').some((line) => /^deploy-window\s*:\s*required\s*$/i.test(line.trim()));
}
